"""The one reader of JSON request bodies: the content type, then the JSON text.

The API's parser and the operations that read a JSON body themselves call
`read_json_body`, so that each of them rejects the same bodies with the same errors.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.core import json_input
from onestop.core.errors import Coded, JsonBodyRequired, echoed
from onestop.core.json_errors import body_invalid

JSON_MEDIA_TYPE = "application/json"
# The Content-Type that JsonBodyRequired names when a request has none.
NO_CONTENT_TYPE = Coded("", _("a body without a Content-Type header"))


def check_json_content_type(request: HttpRequest) -> None:
    """Raise JsonBodyRequired (415) unless the body is declared as application/json,
    with no parameter or with charset=utf-8.

    Structured syntax types such as application/merge-patch+json are rejected too,
    because every JSON operation of the API reads the body as a plain JSON object
    and none of them applies the rules such a type would promise.
    """
    media_type = request.content_type or ""
    sent_parameters = request.content_params or {}
    parameters = {name.lower(): value for name, value in sent_parameters.items()}
    charset = parameters.pop("charset", "utf-8").lower()
    if media_type.lower() == JSON_MEDIA_TYPE and not parameters and charset == "utf-8":
        return
    sent = request.META.get("CONTENT_TYPE", "")
    raise JsonBodyRequired(content_type=echoed(sent) if sent else NO_CONTENT_TYPE)


def read_json_body(request: HttpRequest) -> Any:
    """Return the parsed JSON body of a request declared as application/json.

    Raise JsonBodyRequired for another content type, BodyInvalid for text that is not
    JSON or not UTF-8, and the errors of `json_input.loads` for its other rules.
    """
    check_json_content_type(request)
    body = request.body
    try:
        return json_input.loads(body)
    except ValueError:
        raise body_invalid(body) from None
