"""JSON syntax errors in the reader's language, with the line and column.

Python's json module reports a syntax error as English text such as "Expecting value:
line 1 column 1 (char 0)". `describe_json_error` gives the same facts as a translated
sentence, so that a Chinese message does not quote English.
"""

from __future__ import annotations

import json
import sys

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.errors import BodyInvalid, BodyInvalidAt, BodyNotUtf8, Coded
from onestop.core.json_input import non_finite_rejected

# The start of each message of CPython 3.13's json decoder, the key that error details
# give it, and what it means. A message that none of them starts gets the generic
# "the syntax is invalid" (key "syntax").
PROBLEMS = (
    ("Expecting value", "value_expected", gettext_lazy("a value is expected")),
    (
        "Expecting property name enclosed in double quotes",
        "member_name_expected",
        gettext_lazy("a member name in double quotes is expected"),
    ),
    ("Expecting ':' delimiter", "colon_expected", gettext_lazy("a colon is expected")),
    ("Expecting ',' delimiter", "comma_expected", gettext_lazy("a comma is expected")),
    (
        "Extra data",
        "extra_data",
        gettext_lazy("there is more text after the JSON value"),
    ),
    (
        "Unterminated string",
        "unterminated_string",
        gettext_lazy("a string has no closing double quote"),
    ),
    (
        "Invalid control character",
        "control_character",
        gettext_lazy("a string contains a control character, such as a line break"),
    ),
    (
        "Invalid \\uXXXX escape",
        "invalid_unicode_escape",
        gettext_lazy("a \\u escape needs four hex digits"),
    ),
    (
        "Invalid \\escape",
        "invalid_escape",
        gettext_lazy("a backslash starts an unknown escape"),
    ),
    (
        "Illegal trailing comma",
        "trailing_comma",
        gettext_lazy("a comma comes before a closing bracket"),
    ),
)


def describe_json_error(error: json.JSONDecodeError) -> str:
    """Return where the JSON text is invalid and why, in the active language."""
    problem = next(
        (str(text) for prefix, _key, text in PROBLEMS if error.msg.startswith(prefix)),
        _("the syntax is invalid"),
    )
    return _("line %(line)s, column %(column)s: %(problem)s") % {
        "line": error.lineno,
        "column": error.colno,
        "problem": problem,
    }


def describe_json_value_error(error: ValueError) -> str:
    """Return why json.loads rejected a text, in the active language.

    Besides JSONDecodeError, json.loads raises a plain ValueError for an integer with
    more digits than sys.get_int_max_str_digits() allows.
    """
    if isinstance(error, json.JSONDecodeError):
        return describe_json_error(error)
    return _("a number has more than %(limit)s digits") % {
        "limit": sys.get_int_max_str_digits()
    }


def json_problem(error: ValueError) -> Coded:
    """Return why json.loads rejected a text as an error detail.

    The details give the line, the column and the problem's key (see PROBLEMS), or
    the key "number_too_long" for an integer with too many digits. The message
    describes them in the language it is rendered in.
    """
    if isinstance(error, json.JSONDecodeError):
        key = next(
            (key for prefix, key, _text in PROBLEMS if error.msg.startswith(prefix)),
            "syntax",
        )
        code = {"line": error.lineno, "column": error.colno, "problem": key}
    else:
        code = {"problem": "number_too_long"}
    return Coded(code, _lazy_description(error))


_lazy_description = lazy(describe_json_value_error, str)


def body_invalid(body: bytes) -> BodyInvalid:
    """Return the error for a request body that is not valid JSON.

    The message gives the line, the column and the problem when the body is UTF-8 text
    with a JSON syntax error, and the offset of the first invalid byte when the body is
    not UTF-8.
    """
    try:
        json.loads(body, parse_constant=non_finite_rejected(body))
    except json.JSONDecodeError as error:
        return BodyInvalidAt(
            line=error.lineno, column=error.colno, error=json_problem(error)
        )
    except UnicodeDecodeError as error:
        # json.loads reads a body that starts with a UTF-16 or UTF-32 byte order mark
        # in that encoding, and its errors are not about UTF-8.
        if error.encoding.replace("-", "").lower() == "utf8":
            return BodyNotUtf8(
                offset=error.start, byte=f"0x{error.object[error.start]:02X}"
            )
    except ValueError:
        pass
    return BodyInvalid()
