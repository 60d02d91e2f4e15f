"""Request middleware: a request id on every log line, and the limit on request size."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id[:64])
        response = self.get_response(request)
        response["X-Request-ID"] = request_id[:64]
        return response


class RequestTooLarge(InvalidInput):
    code = "request.too_large"
    status = 413
    message = _(
        "The request is %(size_mb)s MB; the limit is %(limit_mb)s MB for one application. "
        "Upload fewer or smaller files at once."
    )


class RequestSizeMiddleware:
    """Reject a request whose declared size passes ONESTOP_MAX_REQUEST_BYTES, before reading it.

    The response is the usual error body (JSON under /api/, a page elsewhere) instead of
    the web server's bare 413.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        limit = settings.ONESTOP_MAX_REQUEST_BYTES
        if size <= limit:
            return self.get_response(request)
        error = RequestTooLarge(
            size_mb=f"{size / 1048576:.1f}", limit_mb=f"{limit / 1048576:.0f}"
        )
        if request.path.startswith("/api/"):
            return error.json_response()
        return render(request, "core/error.html", {"error": error}, status=error.status)
