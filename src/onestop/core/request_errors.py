"""Requests that Django rejects while it parses them, reported as OneStop's errors.

Django raises RequestDataTooBig, TooManyFieldsSent or TooManyFilesSent (all
SuspiciousOperation) and BadRequest while it reads a body or a query string. Its own
response is a bare HTML 400. `request_error` turns each into the OneStopError that the
API's JSON body and the error page show.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput, OneStopError
from onestop.core.middleware import form_too_large


class TooManyFields(InvalidInput):
    code = "request.too_many_fields"
    message = _(
        "The request has more than %(limit)s fields, the maximum for one request, so "
        "nothing from it was saved. Send fewer fields."
    )


class TooManyFiles(InvalidInput):
    code = "request.too_many_files"
    message = _(
        "The request has more than %(limit)s files, the maximum for one request, so "
        "nothing from it was saved. Send fewer files."
    )


class RequestUnreadable(InvalidInput):
    code = "request.unreadable"
    message = _(
        "The server could not read the request (Django raised %(exception)s), so "
        "nothing from it was saved. Check the request's headers and body and send it "
        "again."
    )


def request_error(exception: Exception, request: HttpRequest) -> OneStopError:
    """Return the OneStopError for a SuspiciousOperation or BadRequest of parsing
    `request`."""
    if isinstance(exception, RequestDataTooBig):
        return form_too_large(request)
    if isinstance(exception, TooManyFieldsSent):
        return TooManyFields(limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    if isinstance(exception, TooManyFilesSent):
        return TooManyFiles(limit=settings.DATA_UPLOAD_MAX_NUMBER_FILES)
    return RequestUnreadable(exception=type(exception).__name__)
