"""The project's URLs plus the certificate page and API, for the certificate tests."""

from django.urls import include, path
from ninja import NinjaAPI

from onestop.api import on_onestop_error
from onestop.certificates.api import router
from onestop.core.errors import OneStopError
from onestop.urls import urlpatterns as project_urlpatterns

# Django Ninja 1.7 mounts a router on several APIs, so the tests use an API of their own
# whether or not /api/v1 mounts this router too.
test_api = NinjaAPI(urls_namespace="certificates-test-api", auth=None)
test_api.add_exception_handler(OneStopError, on_onestop_error)
test_api.add_router("/certificates", router)
API_PREFIX = "/test-api/certificates"

urlpatterns = [
    path("verify/", include("onestop.certificates.urls")),
    path("test-api/", test_api.urls),
    *project_urlpatterns,
]
