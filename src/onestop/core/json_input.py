"""JSON request bodies parsed into Python values without lone surrogates.

JSON may escape half of a UTF-16 surrogate pair on its own (`"\\ud800"`), and Python's
`json` module turns it into a string that cannot be encoded as UTF-8, so saving or
hashing it would fail deep inside a request. `loads` rejects such text where it enters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput

# A \u escape of a code point from U+D800 to U+DFFF. Only bodies with one are walked.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class TextInvalid(InvalidInput):
    code = "request.text_invalid"
    message = _(
        "%(path)s contains the escape \\u%(code_point)s, half of a UTF-16 surrogate "
        "pair without its other half, which is not a character. Send the text as "
        "UTF-8, or escape a character above U+FFFF as a complete pair."
    )


def loads(body: bytes | str, path: str = "") -> Any:
    """Parse JSON like `json.loads` and raise TextInvalid for a lone surrogate.

    `path` names the parsed value in the error, such as the multipart part it came
    from. Raises json.JSONDecodeError and UnicodeDecodeError as `json.loads` does.
    """
    value = json.loads(body)
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if SURROGATE_ESCAPE.search(raw):
        check_text(value, path)
    return value


def check_text(value: Any, path: str = "") -> None:
    """Raise TextInvalid naming the member of `value` that has a lone surrogate."""
    if isinstance(value, str):
        found = LONE_SURROGATE.search(value)
        if found:
            raise TextInvalid(
                path=path or _("The request body"),
                code_point=f"{ord(found.group()):04x}",
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, path or str(_("A member name")))
            check_text(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(item, f"{path}[{index}]")
