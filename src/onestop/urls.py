from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from onestop.api import api, path_not_found
from onestop.cases import views as case_views
from onestop.core import views as core_views
from onestop.core.views_keys import well_known_keys
from onestop.identity import views as identity_views
from onestop.ratings import views as rating_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/login/", identity_views.ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("onestop.identity.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", path_not_found, name="api-path-not-found"),
    path(".well-known/onestop-keys.json", well_known_keys, name="well-known-keys"),
    path("portal/", include("onestop.portal.urls")),
    path(
        "verify/documents/<int:document_id>/<str:signature_prefix>/",
        case_views.verify_document_page,
        name="verify-document",
    ),
    path("kiosk/", include("onestop.kiosk.urls")),
    path("verify/", include("onestop.certificates.urls")),
    path("window/", include("onestop.window.urls")),
    path("office/", include("onestop.office.urls")),
    path("supervise/", include("onestop.supervise.urls")),
    path("exchange/", include("onestop.exchange.urls")),
    path("ratings/", include("onestop.ratings.urls")),
    path("catalog/", include("onestop.catalog.urls")),
    path("staff/", include("onestop.core.staff.urls")),
    path("windows/", include("onestop.window.urls_windows")),
    path("r/<str:code>", rating_views.short_link, name="rating-short-link"),
    path("admin/", admin.site.urls),
]

handler400 = core_views.bad_request
