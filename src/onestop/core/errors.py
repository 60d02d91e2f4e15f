"""The one user-facing error family of OneStop.

Every error a person or a client can cause is a `OneStopError` with a stable `code`, an HTTP
status and a translated message with named placeholders. The API returns
`{"code", "message", "details"}`; pages show the message.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.db.models import Choices
from django.http import JsonResponse
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import (
    get_language,
    ngettext_lazy,
    pgettext,
    pgettext_lazy,
)
from django.utils.translation import gettext_lazy as _

from onestop.core.dates import api_datetime, format_local_datetime
from onestop.core.ideographs import character_name, is_printable

# A CJK ideograph or a CJK or full-width punctuation mark.
_CJK = (
    "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003ffff"
)
# A CJK ideograph, without the punctuation marks of `_CJK`.
_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Full-width punctuation that ends a sentence or a clause. A closing bracket is not among
# them, because an English message may follow a Chinese label such as 开票金额（元） with a
# space and a word.
_CLOSING_PUNCTUATION = "。，、；：！？"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")
_SPACE_AFTER_PUNCTUATION = re.compile(f"(?<=[{_CLOSING_PUNCTUATION}]) +")
_SPACE_AT_QUOTE = re.compile(f"(?<=[{_CJK}]) +(?=“)|(?<=”) +(?=[{_CJK}])")
_CODE_POINT = r"U\+[0-9A-F]{4,6}"
_IDEOGRAPH_BEFORE_CODE_POINT = re.compile(f"([{_IDEOGRAPH}])({_CODE_POINT})")
_CODE_POINT_BEFORE_IDEOGRAPH = re.compile(f"({_CODE_POINT})([{_IDEOGRAPH}])")


def tidy_cjk_spacing(text: str) -> str:
    """Fix the spaces of a filled-in message around CJK text, as Chinese sets them.

    Chinese templates put a space between a placeholder and the text around it, which
    suits a Latin value such as a key, but leaves a stray space when the value is
    Chinese, as in "请求体 应为" or "政务服务中心 。". So the spaces between two CJK
    characters go, as do the spaces after full-width punctuation such as 。 that ends
    a sentence or clause, and the spaces between CJK text and a quoted value. A code
    point such as U+200B gets one space from an ideograph next to it ("含有 U+200B").
    """
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _SPACE_AFTER_PUNCTUATION.sub("", text)
    text = _SPACE_AT_QUOTE.sub("", text)
    text = _IDEOGRAPH_BEFORE_CODE_POINT.sub(r"\1 \2", text)
    return _CODE_POINT_BEFORE_IDEOGRAPH.sub(r"\1 \2", text)


class OneStopError(Exception):
    """A failure the caller can act on: a stable code, a status and a translated message."""

    code = "error"
    status = 400
    message = _("The request could not be processed.")
    # The message that a command prints, where the next step names a command or an
    # option rather than a page or an API path. None prints `message`.
    command_message: Any = None

    def __init__(self, message: Any = None, /, **details: Any) -> None:
        if message is not None:
            self.message = message
        self.details = details
        super().__init__(self.code)

    def message_values(self) -> dict[str, Any]:
        """Return the values the message's placeholders show: the details, with each
        datetime in local time as pages show it (2026-12-05 14:30) and each choice as
        its label (`message_value`).

        The API's details write a datetime as RFC 3339 instead (`api_datetime`). An
        error whose details carry codes overrides this to show their labels.
        """
        return {
            key: format_local_datetime(value)
            if isinstance(value, datetime.datetime)
            else message_value(value)
            for key, value in self.details.items()
        }

    def render(self) -> str:
        """Return the translated message with its named placeholders filled in.

        A detail that is a choice (a member of a Django `Choices` enum) fills its
        placeholder with the choice's label, and a list of choices with each label and
        its key, while `as_dict` gives their keys. So details read the same in every
        language and messages read in the request's.
        """
        return self._fill(self.message)

    def render_for_command(self) -> str:
        """Return the message that a command prints: `command_message` when the error
        has one, filled like `render`, or else the message of `render`."""
        if self.command_message is None:
            return self.render()
        return self._fill(self.command_message)

    def _fill(self, message: Any) -> str:
        text = str(message)
        values = self.message_values()
        try:
            filled = text % values if values else text
        except (KeyError, ValueError, TypeError):
            return text
        return tidy_cjk_spacing(filled)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.render(),
            "details": {key: _jsonable(value) for key, value in self.details.items()},
        }

    def __str__(self) -> str:
        return f"{self.code}: {self.render()}"

    def json_response(self) -> JsonResponse:
        """Return the API's body for this error, as UTF-8 JSON with the error's status.

        Chinese text is written as itself rather than as \\u escapes, as the API's
        renderer writes it.
        """
        return JsonResponse(
            self.as_dict(),
            status=self.status,
            content_type="application/json; charset=utf-8",
            json_dumps_params={"ensure_ascii": False},
        )


def name_member[Error: OneStopError](error: Error, member: str) -> Error:
    """Name the request member whose value `error` rejects, and return the error.

    The member goes into `details.member` and before the message, so that a request
    with two members checked by one rule, such as two credit codes, shows which failed.
    """
    error.details["member"] = member
    error.message = format_lazy(
        pgettext_lazy(
            "a request member and the error about its value", "{member}: {message}"
        ),
        member=member,
        message=error.message,
    )
    return error


def code_point(character: str) -> str:
    """Name a character by its code point, such as U+200B, for a message."""
    return f"U+{ord(character):04X}"


def code_point_text(character: str) -> str:
    """Name a character for a message in the active language: as U+XXXX, followed in
    English by its Unicode name in brackets when it has one.

    Unicode names characters in English only, so a message in another language, such
    as Chinese, shows the code point alone rather than an English name in its sentence.
    """
    name = character_name(character)
    language = get_language() or ""
    if not name or not language.startswith("en"):
        return code_point(character)
    return f"{code_point(character)} ({name})"


_lazy_code_point_text = lazy(code_point_text, str)


def named_code_point(character: str) -> Coded:
    """Return a character for an error's details: U+XXXX with its Unicode name in the
    details in every language, and in the message `code_point_text` in the language
    the message is rendered in."""
    name = character_name(character)
    detail = f"{code_point(character)} ({name})" if name else code_point(character)
    return Coded(detail, _lazy_code_point_text(character))


def visible_text(value: str) -> str:
    """Return `value` with each invisible character written as <U+XXXX>, for a message."""
    return "".join(
        character if is_printable(character) else f"<{code_point(character)}>"
        for character in value
    )


def quoted_text(value: str) -> str:
    """Show a value in a message in quotes, with each invisible character as <U+XXXX>.

    The quotes show where a value such as a query parameter sent as %20 starts and
    ends, which it would not without them.
    """
    return f"“{visible_text(value)}”"


# How much of a value a message shows, in characters, so that a long paste is not
# repeated whole.
SHOWN_LENGTH = 40
# How much of a value sent the details give, in characters (code points). It is the
# maximum length of the longest text fields, an address and an enterprise name, so
# that the details give any value of a valid length whole.
DETAIL_TEXT_LENGTH = 200


def shown(value: str) -> str:
    """Return `value` cut to SHOWN_LENGTH characters for a message, marked with "…"."""
    return value if len(value) <= SHOWN_LENGTH else value[:SHOWN_LENGTH] + "…"


class Echoed(str):
    """A value sent, as the details give it (`echoed`). A message shows it cut by
    `shown`."""

    __slots__ = ()


def detail_text(value: str) -> str:
    """Return `value` cut to DETAIL_TEXT_LENGTH characters and marked with "…".

    A value of at most DETAIL_TEXT_LENGTH characters comes back whole, so a detail of
    DETAIL_TEXT_LENGTH + 1 characters that ends with "…" is always a cut one.
    """
    if len(value) <= DETAIL_TEXT_LENGTH:
        return value
    return value[:DETAIL_TEXT_LENGTH] + "…"


def echoed(value: object) -> Echoed:
    """Return a value sent for an error's details: `detail_text` of its text.

    The API's details give it so, and the message shows it cut to SHOWN_LENGTH.
    """
    return Echoed(detail_text(str(value)))


def full_sentence(text: str) -> str:
    """End `text` with a full stop of the active language unless it ends a sentence.

    Messages that quote several problems one after another need each to end, so that
    the next reads as a new sentence.
    """
    text = text.rstrip()
    if not text or text.endswith((".", "。", "!", "！", "?", "？")):
        return text
    return text + pgettext("the end of a sentence", ".")


def list_text(items: Iterable[str]) -> str:
    """Join names for a message in the active language: with 、 in Chinese, with commas
    in English.
    """
    return pgettext("separator of the items of a list", ", ").join(items)


def choice_text(key: str, label: Any) -> str:
    """Name a choice for a message by its label, with the key a client sends in brackets."""
    return pgettext("a choice's label and its key", "%(label)s (%(key)s)") % {
        "label": label,
        "key": key,
    }


def choices_text(choices: Iterable[tuple[str, Any]]) -> str:
    """Join (key, label) choices for a message as labels, each with its key in brackets."""
    return list_text(choice_text(key, label) for key, label in choices)


@dataclass(frozen=True)
class Coded:
    """A detail that the API's details show as `code` and the message as `text`.

    `code` is a key or a structure of keys and values, the same in every language.
    `text` should be lazy (gettext_lazy, or a function wrapped with `lazy`) so that
    it reads in the language the message is rendered in.
    """

    code: Any
    text: Any


def _list_text_of(values: list[Any]) -> str:
    return list_text(str(value) for value in values)


def _choices_text_of(choices: list[tuple[str, Any]]) -> str:
    return choices_text(choices)


_lazy_list_text = lazy(_list_text_of, str)
_lazy_choices_text = lazy(_choices_text_of, str)


def _fill(message: Any, values: dict[str, Any]) -> str:
    return str(message) % {key: message_value(item) for key, item in values.items()}


_lazy_fill = lazy(_fill, str)


def lazy_text(message: Any, **values: Any) -> Any:
    """Return `message` filled with `values` in the language active when it is read.

    A lazy message's own `%` fills it at once, in the language active then.
    """
    return _lazy_fill(message, values)


def listed(items: Iterable[Any]) -> Coded:
    """Return a detail that lists `items`: a list in the details, and in the message
    the items joined as the active language joins them (`list_text`).
    """
    values = list(items)
    return Coded(values, _lazy_list_text(values))


def listed_choices(choices: Iterable[tuple[str, Any]]) -> Coded:
    """Return a detail that lists (key, label) choices: their keys in the details, and
    in the message each label with its key (`choices_text`).
    """
    pairs = list(choices)
    return Coded([key for key, _label in pairs], _lazy_choices_text(pairs))


def message_value(value: Any) -> Any:
    """Return a detail as its message shows it: a choice as its label, a Coded as its
    text and an Echoed value cut to SHOWN_LENGTH characters.
    """
    if isinstance(value, Choices):
        return value.label
    if isinstance(value, Echoed):
        return shown(value)
    if isinstance(value, Coded):
        return value.text
    if (
        isinstance(value, list | tuple)
        and value
        and all(isinstance(item, Choices) for item in value)
    ):
        return choices_text((item.value, item.label) for item in value)
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, Coded):
        return _jsonable(value.code)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, datetime.datetime):
        return api_datetime(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


class InvalidInput(OneStopError):
    code = "invalid_input"
    status = 400
    message = _("The input is invalid.")


class BodyInvalid(InvalidInput):
    code = "request.body_invalid"
    message = _(
        "The request body is not valid JSON. Send one JSON object with the header "
        "Content-Type: application/json."
    )


class JsonBodyRequired(InvalidInput):
    code = "request.json_required"
    status = 415
    message = _(
        "This operation takes a JSON body, not %(content_type)s. Send one JSON object "
        "with the header Content-Type: application/json."
    )


class BodyInvalidAt(BodyInvalid):
    message = _(
        "The request body is not valid JSON (%(error)s). Send one JSON object with the "
        "header Content-Type: application/json."
    )


class BodyNotUtf8(BodyInvalid):
    message = _(
        "The request body is not UTF-8 text: the byte %(byte)s at offset %(offset)s "
        "(counted from 0) does not belong to a UTF-8 character. Send the JSON encoded "
        "as UTF-8."
    )


class NotFound(OneStopError):
    code = "not_found"
    status = 404
    message = _("The requested record was not found.")


class PermissionDenied(OneStopError):
    code = "permission_denied"
    status = 403
    message = _("You do not have permission to do this.")


class NotAuthenticated(OneStopError):
    code = "not_authenticated"
    status = 401
    message = _("Sign in first.")


class Conflict(OneStopError):
    code = "conflict"
    status = 409
    message = _("The record was changed by someone else; reload and try again.")


class InvalidTransition(OneStopError):
    code = "invalid_transition"
    status = 409
    message = _(
        "The case is %(state)s, so %(action)s is not possible now. Reload the case "
        "to see its current state."
    )


class RateLimited(OneStopError):
    code = "rate_limited"
    status = 429

    def __init__(self, **details: Any) -> None:
        self.message = self.counted_message(details)
        super().__init__(**details)

    def counted_message(self, details: dict[str, Any]) -> Any:
        """Return the message in the singular or plural form for the wait it names."""
        return ngettext_lazy(
            "Too many requests. Wait %(retry_after)s second and try again.",
            "Too many requests. Wait %(retry_after)s seconds and try again.",
            details["retry_after"],
        )
