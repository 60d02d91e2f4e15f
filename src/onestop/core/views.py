"""The home page, which sends each user to the surfaces of their roles, and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
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
        "The form was sent from a page that is out of date, for example one opened "
        "before signing out or by another user. Nothing was saved. Reload the page, "
        "sign in if asked, and send the form again."
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Show a failed CSRF check as OneStop's error page, JSON under /api/."""
    error = FormExpired()
    log.info("request.rejected", code=error.code, path=request.path)
    return render_error_for_path(request, error)
