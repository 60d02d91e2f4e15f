"""JSON request bodies parsed into Python values without lone surrogates or control
characters.

JSON may escape half of a UTF-16 surrogate pair on its own (`"\\ud800"`), and Python's
`json` module turns it into a string that cannot be encoded as UTF-8, so saving or
hashing it would fail deep inside a request. `loads` rejects such text where it enters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import Coded, InvalidInput, code_point, echoed

# A \u escape of a surrogate (U+D800 to U+DFFF) or of a control character other than
# tab, line feed and carriage return. Only bodies with one are walked.
SUSPECT_ESCAPE = re.compile(
    rb"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]))"
)
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters that no text of a form, a name or a reason contains. PostgreSQL
# cannot store U+0000 in text or jsonb at all.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The deepest nesting of arrays and objects that a JSON text may have. OneStop's own
# documents nest a few levels. Python's decoder recurses once a level and raises
# RecursionError before its recursion limit (1,000 frames by default), which the
# request's own call stack shares, so the limit is checked before decoding.
MAX_NESTING = 100
# A JSON string, whose brackets do not nest, or a bracket that does.
STRING_OR_BRACKET = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)

# A JSON string, or one of the words NaN, Infinity and -Infinity, which Python's json
# module reads as numbers although JSON (RFC 8259) has no such values.
STRING_OR_NON_FINITE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|-?Infinity|NaN', re.DOTALL)

# The paths that errors name when the problem is not inside one member: the empty path
# for the request body, and "member_name" for a member name at the top level.
WHOLE_BODY = Coded("", _("The request body"))
TOP_MEMBER_NAME = Coded("member_name", _("A member name"))


class ControlCharacterInvalid(InvalidInput):
    code = "request.control_character"
    message = _(
        "%(path)s contains the control character %(code_point)s, which text cannot "
        "contain. Remove it (it may come from copying text out of another program) and "
        "send the request again."
    )


class TextInvalid(InvalidInput):
    code = "request.text_invalid"
    message = _(
        "%(path)s contains the escape of %(code_point)s, half of a UTF-16 surrogate "
        "pair without its other half, which is not a character. Send the text as "
        "UTF-8, or escape a character above U+FFFF as a complete pair."
    )


class JsonNumber(float):
    """A JSON number with a fraction or an exponent, as the float Python's `json` makes,
    keeping the text it was written with.

    A float has about 16 significant digits, so 888888888888888.88 becomes
    888888888888888.9. Code that needs the exact value, such as a decimal field of a
    form, reads `text`; other code uses it as a float.
    """

    __slots__ = ("text",)

    text: str


def number_text(number: int | float) -> str:
    """Return a number sent in JSON as it was written, such as 5.0 or 1e400.

    A JsonNumber keeps its text, which its float may have rounded (1e400 is inf). Any
    other number is written as Python writes it, which for an int is its digits.
    """
    return number.text if isinstance(number, JsonNumber) else str(number)


def _json_number(text: str) -> JsonNumber:
    number = JsonNumber(text)
    number.text = text
    return number


class NestingTooDeep(InvalidInput):
    code = "request.json_too_deep"
    message = _(
        "%(path)s nests JSON arrays and objects %(depth)s levels deep, more than the "
        "limit of %(limit)s levels. Send the data with fewer levels of nesting."
    )


class MemberRepeated(InvalidInput):
    code = "request.member_repeated"
    message = _(
        "The member %(member)s appears %(count)s times in one JSON object. Send it "
        "once."
    )


def loads(body: bytes | str, path: str = "") -> Any:
    """Parse JSON like `json.loads` and raise for a lone surrogate or control character,
    for a member name given twice in one object, or for nesting deeper than
    MAX_NESTING.

    Python's `json` would keep the last of repeated members silently, while another
    reader of the same text may keep the first. `path` names the parsed value in the
    error, such as the multipart part it came from. A number with a fraction or an
    exponent becomes a JsonNumber, a float that keeps its text. Raises
    json.JSONDecodeError and UnicodeDecodeError as `json.loads` does.
    """
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    check_nesting(raw, path)
    value = json.loads(
        body,
        object_pairs_hook=_unique_members,
        parse_float=_json_number,
        parse_constant=non_finite_rejected(body),
    )
    # JSON may carry U+007F unescaped, so its byte is looked for too.
    if SUSPECT_ESCAPE.search(raw) or b"\x7f" in raw:
        check_text(value, path)
    return value


def non_finite_rejected(body: bytes | str) -> Callable[[str], Any]:
    """Return a `parse_constant` for json.loads of `body` that raises JSONDecodeError
    ("Expecting value") at the first NaN, Infinity or -Infinity outside a string."""

    def reject(_word: str) -> Any:
        text = body if isinstance(body, str) else body.decode("utf-8", "replace")
        position = next(
            (
                found.start()
                for found in STRING_OR_NON_FINITE.finditer(text)
                if not found.group().startswith('"')
            ),
            0,
        )
        raise json.JSONDecodeError("Expecting value", text, position)

    return reject


def check_nesting(raw: bytes, path: str = "") -> None:
    """Raise NestingTooDeep when the JSON text `raw` nests arrays and objects deeper
    than MAX_NESTING, with the deepest level it reaches.

    Brackets inside strings do not count. Text with a syntax error is measured as far
    as its brackets go, and `json.loads` reports the syntax error when it is not too
    deep.
    """
    if raw.count(b"[") + raw.count(b"{") <= MAX_NESTING:
        return
    depth = deepest = 0
    for token in STRING_OR_BRACKET.finditer(raw):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in (b"]", b"}"):
            depth -= 1
    if deepest > MAX_NESTING:
        raise NestingTooDeep(path=path or WHOLE_BODY, depth=deepest, limit=MAX_NESTING)


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) < len(pairs):
        names = [name for name, _value in pairs]
        repeated = next(name for name in names if names.count(name) > 1)
        raise MemberRepeated(member=echoed(repeated), count=names.count(repeated))
    return members


def check_text(value: Any, path: str | Coded = "", *, controls: bool = True) -> None:
    """Raise TextInvalid or ControlCharacterInvalid naming the member of `value` that
    has a lone surrogate or, with `controls`, a control character."""
    if isinstance(value, str):
        found = LONE_SURROGATE.search(value)
        if found:
            raise TextInvalid(
                path=path or WHOLE_BODY,
                code_point=code_point(found.group()),
            )
        if controls:
            check_no_control_character(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, path or TOP_MEMBER_NAME, controls=controls)
            check_text(item, f"{path}.{key}" if path else str(key), controls=controls)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(item, f"{path}[{index}]", controls=controls)


def check_no_control_character(text: str, path: str | Coded = "") -> None:
    """Raise ControlCharacterInvalid when `text` has a control character (see above)."""
    found = CONTROL_CHARACTER.search(text)
    if found:
        raise ControlCharacterInvalid(
            path=path or WHOLE_BODY, code_point=code_point(found.group())
        )
