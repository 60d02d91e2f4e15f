"""The home page, which sends each user to the surfaces of their roles, and the health check."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from onestop.catalog.queries import list_centres
from onestop.core.errors import PermissionDenied
from onestop.core.logging import get_logger
from onestop.core.pages import render_error_for_path
from onestop.core.request_errors import request_error

log = get_logger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"centres": list_centres()})


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request: HttpRequest) -> HttpResponse:
    """Send the browsers and tools that ask for /favicon.ico to the site's icon.

    Pages name the icon in a link element. This view serves the requests that do not
    read it, so that they do not end in 404.
    """
    return redirect(static("onestop/favicon.svg"), permanent=True)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Show a request that Django rejected while parsing it as OneStop's error, JSON
    under /api/.

    Django calls this for a SuspiciousOperation or BadRequest raised in a view or a
    middleware, such as a body over DATA_UPLOAD_MAX_MEMORY_SIZE or too many fields.
    """
    error = request_error(exception, request)
    log.info("request.rejected", code=error.code, path=request.path)
    return render_error_for_path(request, error)


class FormExpired(PermissionDenied):
    code = "csrf_failed"
    message = gettext_lazy(
        "The form was sent from a page that is out of date, for example because you "
        "signed in again in another tab or another user signed in. Nothing was saved. "
        "Go back to the form, sign in if asked, and send it again."
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Show a failed CSRF check as a page that offers to go back to the form, JSON
    under /api/.

    Django calls this when a POST's CSRF token does not match the browser's CSRF
    cookie, as for a form opened before its account signed in again in another tab.
    keep-form-sign-in.js keeps the values typed into the form for its page.
    """
    error = FormExpired()
    log.info("request.rejected", code=error.code, path=request.path, reason=reason)
    if request.path.startswith("/api/"):
        return error.json_response()
    context = {"error": error, "form_path": form_path(request)}
    return render(request, "core/form_expired.html", context, status=error.status)


def form_path(request: HttpRequest) -> str | None:
    """Return the path of the page that sent the request, from its Referer header, or
    None when the header is missing or names another site.

    The query is dropped, because it may carry what a person searched for.
    """
    host = {request.get_host()}
    referer = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts=host, require_https=request.is_secure()
    ):
        return None
    path = urlsplit(referer).path
    # A path such as //example.com would name another host as a link.
    if not url_has_allowed_host_and_scheme(path, allowed_hosts=host):
        return None
    return path
