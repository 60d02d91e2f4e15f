"""Request middleware: a request id on every log line, the limit on request size, form
text and URLs without control characters, multipart bodies that Django cannot parse, query
parameters given once, and the API's error body for a method that a path does not accept.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import (
    Coded,
    InvalidInput,
    OneStopError,
    echoed,
    listed,
    visible_text,
)
from onestop.core.json_input import ControlCharacterInvalid, check_no_control_character
from onestop.core.logging import get_logger
from onestop.core.multipart import multipart_error, record_multipart_stream
from onestop.core.pages import render_error_for_path
from onestop.core.sizes import megabyte_texts

log = get_logger(__name__)


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
        size = declared_size(request)
        if size <= settings.ONESTOP_MAX_REQUEST_BYTES:
            return self.get_response(request)
        return render_error_for_path(request, request_too_large(size))


def declared_size(request: HttpRequest) -> int:
    """Return the body size in bytes that the Content-Length header declares, or 0."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def request_too_large(size: int) -> RequestTooLarge:
    """Return the error for a request of `size` bytes, over the limit."""
    limit = settings.ONESTOP_MAX_REQUEST_BYTES
    size_mb, limit_mb = megabyte_texts(size, limit)
    return RequestTooLarge(size=size, limit=limit, size_mb=size_mb, limit_mb=limit_mb)


def request_too_large_message() -> str:
    """Return the message of RequestTooLarge with the sizes left as {size_mb} and
    {limit_mb}, for the page script that checks chosen files before the form is sent."""
    return RequestTooLarge(size_mb="{size_mb}", limit_mb="{limit_mb}").render()


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class FormTextMiddleware:
    """Reject a posted form whose text fields contain a control character, and an API
    form or multipart body that repeats a text part.

    Django decodes `%00` into U+0000, which PostgreSQL cannot store, and the other
    control characters would reach case pages and signed documents. Every form of the
    site and the API's multipart operations are covered here, once. Files are not, and
    pages keep repeated fields, which check box groups send.
    A multipart body that Django's parser rejects, such as one with a file name past
    its header limit, gets OneStop's error (`onestop.core.multipart`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in (
            FORM_CONTENT_TYPES
        ):
            record_multipart_stream(request)
            try:
                for name, values in request.POST.lists():
                    check_no_control_character(name, name)
                    for value in values:
                        check_no_control_character(value, name)
                    # Django would take the last of repeated parts, so a body with two
                    # centre parts would be filed in whichever came last.
                    if len(values) > 1 and request.path.startswith("/api/"):
                        raise PartRepeated(field=echoed(name), count=len(values))
            except (ControlCharacterInvalid, PartRepeated) as error:
                log.info("request.rejected", code=error.code, path=request.path)
                return render_error_for_path(request, error)
            except MultiPartParserError:
                # Django parses the body here first, and its own response would be a bare 400.
                parse_error = multipart_error(request)
                log.info("request.rejected", code=parse_error.code, path=request.path)
                return render_error_for_path(request, parse_error)
        return self.get_response(request)


class FormTooLarge(InvalidInput):
    """A form or JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE, with its size in `details`
    as `request.too_large` gives it."""

    code = "request.form_too_large"
    status = 413
    message = _(
        "The form or JSON body is %(size_mb)s MB, larger than %(limit_mb)s MB, the "
        "limit for text without files. Shorten the text and send it again, and attach "
        "long documents as files."
    )


class FormOfUnknownSizeTooLarge(FormTooLarge):
    """A form over the limit whose text size the request does not declare. A multipart
    body's Content-Length counts its files too, and a body may have no Content-Length."""

    message = _(
        "The form or JSON body is larger than %(limit_mb)s MB, the limit for text "
        "without files. Shorten the text and send it again, and attach long documents "
        "as files."
    )


def form_too_large(request: HttpRequest) -> FormTooLarge:
    """Return the error for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    size = declared_size(request)
    if size <= limit or request.content_type == "multipart/form-data":
        return FormOfUnknownSizeTooLarge(limit=limit, limit_mb=f"{limit / 1048576:g}")
    size_mb, limit_mb = megabyte_texts(size, limit)
    return FormTooLarge(size=size, limit=limit, size_mb=size_mb, limit_mb=limit_mb)


class MethodNotAllowed(OneStopError):
    code = "api.method_not_allowed"
    status = 405
    message = _(
        "The API path %(path)s does not accept the %(method)s method. Use %(allowed)s."
    )


# Paths whose answers are JSON for machines: the API and the public key set.
JSON_PATH_PREFIXES = ("/api/", "/.well-known/")


class ApiMethodNotAllowedMiddleware:
    """Give a 405 under /api/ or /.well-known/ the API's JSON error body and Allow header.

    Django Ninja returns a bare text/html 405 for a method that no operation of a
    path serves, before any exception handler of the API runs, so this one place
    covers every router.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(JSON_PATH_PREFIXES) or not isinstance(
            response, HttpResponseNotAllowed
        ):
            return response
        allowed = _methods(response["Allow"]) - {""}
        if request.method == "HEAD" and "GET" in allowed:
            return _head_of_get(request, self.get_response)
        # Django Ninja lists no HEAD, because it has no HEAD operations, but
        # `_head_of_get` responds to HEAD wherever GET is allowed.
        if "GET" in allowed:
            allowed.add("HEAD")
        # Django Ninja builds the Allow header from a set, so the methods are sorted
        # to send the same header and details on every run.
        methods = sorted(allowed)
        error = MethodNotAllowed(
            path=echoed(request.path),
            method=echoed(request.method),
            allowed=listed(methods),
        )
        log.info("api.request_rejected", code=error.code, path=request.path)
        json_response = error.json_response()
        json_response["Allow"] = ", ".join(methods)
        return json_response


def _methods(allowed: str) -> set[str]:
    return {method.strip().upper() for method in allowed.split(",")}


def _head_of_get(
    request: HttpRequest, get_response: Callable[[HttpRequest], HttpResponse]
) -> HttpResponse:
    """Respond to HEAD as to GET without the body, as HTTP requires of a GET resource.

    Django Ninja routes by method and has no HEAD operations, so the GET operation runs
    and its headers, Content-Length included, are kept.
    """
    request.method = "GET"
    try:
        response = get_response(request)
    finally:
        request.method = "HEAD"
    if not response.streaming:
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


class RequestUrlMiddleware:
    """Reject a URL whose path or query string contains a control character, and a query
    string that gives one parameter more than once.

    Django decodes `%00` in the path and the query string into U+0000, which PostgreSQL
    cannot compare with text, so a centre slug or a token holding it would fail the
    lookup with a DataError. Django and Django Ninja would take the last value of a
    repeated parameter, so ?dimension=matter&dimension=window would silently give the
    figures by window. No page or operation of OneStop takes a list in its query string
    or a control character in its URL, so this one place covers all of them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_no_control_character(request.path_info, URL_PATH)
            for name, values in request.GET.lists():
                check_no_control_character(name, QUERY_PARAMETER_NAME)
                for value in values:
                    check_no_control_character(value, echoed(name))
                if len(values) > 1:
                    raise ParameterRepeated(field=echoed(name), count=len(values))
        except (ControlCharacterInvalid, ParameterRepeated) as error:
            log.info(
                "request.rejected", code=error.code, path=visible_text(request.path)
            )
            return render_error_for_path(request, error)
        return self.get_response(request)


# The places that an error about the URL names, as `path` in the API's details.
URL_PATH = Coded("url_path", _("The path of the URL"))
QUERY_PARAMETER_NAME = Coded("query_parameter_name", _("A query parameter name"))


class PartRepeated(InvalidInput):
    code = "request.part_repeated"
    message = _(
        "The form field or multipart part %(field)s is given %(count)s times. Give it "
        "once."
    )


class ParameterRepeated(InvalidInput):
    code = "request.parameter_repeated"
    message = _("The query parameter %(field)s is given %(count)s times. Give it once.")
