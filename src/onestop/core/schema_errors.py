"""Translated messages for the pydantic errors of a request that does not match the API schema.

Django Ninja reports each problem as a pydantic error dict (`type`, `loc`, `msg`, `ctx`) with
pydantic's English text. `schema_error_detail` turns one into an entry of the details with
its location, pydantic's `type` and the values it names, the same in every language, and
`schema_error_message` into a message in the request's language that names the member and
the type of the value sent.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from pydantic import ValidationError

from onestop.core.errors import (
    OneStopError,
    detail_text,
    full_sentence,
    quoted_text,
    shown,
    tidy_cjk_spacing,
)
from onestop.core.json_input import number_text

# At most this many problems of one request are described in its error. A client that
# fixes them and sends the request again gets the next ones.
MAX_REPORTED_PROBLEMS = 100
# The parts of a request that Django Ninja names first in an error's location.
SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
JSON_TYPE_NAMES = {dict: "object", list: "array", bool: "boolean", int: "number"}
# The JSON type names of `json_type_name` as messages show them.
JSON_TYPE_LABELS = {
    "object": pgettext_lazy("JSON type", "object"),
    "array": pgettext_lazy("JSON type", "array"),
    "string": pgettext_lazy("JSON type", "string"),
    "number": pgettext_lazy("JSON type", "number"),
    "boolean": pgettext_lazy("JSON type", "boolean"),
    "value": pgettext_lazy("JSON type", "value"),
}

MESSAGES = {
    "missing": gettext_lazy("%(path)s is missing. Send it with the request."),
    "extra_forbidden": gettext_lazy(
        "%(path)s is not a member of this request. Remove it."
    ),
    "string_type": gettext_lazy("%(path)s must be a string, not a JSON %(found)s."),
    "int_type": gettext_lazy("%(path)s must be a whole number, not a JSON %(found)s."),
    "int_parsing": gettext_lazy(
        "%(path)s must be a whole number, but the %(found)s sent is not one."
    ),
    "int_from_float": gettext_lazy(
        "%(path)s must be a whole number, not a number with a fraction."
    ),
    "float_type": gettext_lazy("%(path)s must be a number, not a JSON %(found)s."),
    "float_parsing": gettext_lazy(
        "%(path)s must be a number, but the %(found)s sent is not one."
    ),
    "bool_type": gettext_lazy("%(path)s must be true or false, not a JSON %(found)s."),
    "bool_parsing": gettext_lazy(
        "%(path)s must be true or false, but the %(found)s sent is neither."
    ),
    "list_type": gettext_lazy("%(path)s must be a JSON array, not a JSON %(found)s."),
    "dict_type": gettext_lazy("%(path)s must be a JSON object, not a JSON %(found)s."),
    "string_too_short": gettext_lazy(
        "%(path)s must have at least %(min_length)s characters; it has %(length)s."
    ),
    "string_too_long": gettext_lazy(
        "%(path)s must have at most %(max_length)s characters; it has %(length)s."
    ),
    "too_short": gettext_lazy(
        "%(path)s must have at least %(min_length)s items; it has %(length)s."
    ),
    "too_long": gettext_lazy(
        "%(path)s must have at most %(max_length)s items; it has %(length)s."
    ),
    "json_invalid": gettext_lazy(
        "%(path)s is not valid JSON (line %(line)s, column %(column)s)."
    ),
    "date_type": gettext_lazy(
        "%(path)s must be a date in the form YYYY-MM-DD, such as 2026-12-05."
    ),
    "datetime_type": gettext_lazy(
        "%(path)s must be a date and time in ISO 8601 form, such as "
        "2026-12-05T14:30:00+08:00, not a JSON %(found)s."
    ),
    "int_from_number": gettext_lazy("%(path)s must be a whole number, not %(number)s."),
    "datetime_parsing": gettext_lazy(
        "%(path)s must be a date and time in ISO 8601 form, such as "
        "2026-12-05T14:30:00+08:00 or 2026-12-05 14:30, but the text sent is "
        "%(value)s."
    ),
}
# Pydantic types that mean the same to a client as one in MESSAGES.
ALIASES = {
    "model_type": "dict_type",
    "model_attributes_type": "dict_type",
    "string_sub_type": "string_type",
    "date_parsing": "date_type",
    "date_from_datetime_parsing": "date_type",
    "date_from_datetime_inexact": "date_type",
    "datetime_from_date_parsing": "datetime_parsing",
}
# Types of the errors whose message shows the text sent: a date or a time, which the
# client needs to see to correct it.
SHOWN_INPUT_TYPES = frozenset(
    {
        "date_parsing",
        "date_from_datetime_parsing",
        "datetime_parsing",
        "datetime_from_date_parsing",
    }
)
# Types of the errors for a whole number whose message shows the number sent, as it
# was written (5.0, 1e3), under the type "int_from_number".
WHOLE_NUMBER_TYPES = frozenset({"int_type", "int_from_float"})
# The position in pydantic's English text for invalid JSON, as in "EOF while parsing a
# value at line 1 column 0".
_POSITION = re.compile(r"line (\d+) column (\d+)")
# The English message quotes pydantic's text, and other languages name its type instead.
FALLBACK = gettext_lazy(
    "%(path)s is invalid (pydantic error type %(type)s). The schema check says: "
    "%(error)s"
)


def json_type_name(value: Any) -> str:
    """Return the JSON name of a value's type ("object", "array", "number", …)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "string"
    return JSON_TYPE_NAMES.get(type(value), "number")


def json_type_label(name: str) -> str:
    """Return a JSON type name of `json_type_name` in the active language."""
    label = JSON_TYPE_LABELS.get(name)
    return name if label is None else str(label)


def value_facts(value: Any, kind: str = "") -> dict[str, Any]:
    """Return what an error may show of a value sent: its JSON type and its length.

    Text is kept only for an error of a type in SHOWN_INPUT_TYPES (a date or time that
    does not parse), since other text may be personal data. A number is kept as it was
    written. Both are bounded by `detail_text`.
    """
    facts: dict[str, Any] = {"input_type": json_type_name(value)}
    if isinstance(value, int | float) and not isinstance(value, bool):
        facts["input_number"] = detail_text(number_text(value))
    if isinstance(value, str | list | dict):
        facts["input_length"] = len(value)
    if kind in SHOWN_INPUT_TYPES and isinstance(value, str):
        facts["input_text"] = detail_text(value)
    return facts


# The types whose detail gives the length sent and the bound from pydantic's context.
LENGTH_TYPES = frozenset(
    {"string_too_short", "string_too_long", "too_short", "too_long"}
)


def schema_error_detail(error: dict[str, Any]) -> dict[str, Any]:
    """Return the entry of `details.errors` for one pydantic error: its location, its
    pydantic `type` and the values that its message names, never the message.

    `error` may carry `input_type`, `input_length`, `input_text` and `input_number`
    from `value_facts`.
    """
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    detail: dict[str, Any] = {
        "location": [str(part) for part in error.get("loc", [])],
        "type": kind,
    }
    if "input_type" in error and kind != "missing":
        detail["input_type"] = error["input_type"]
    if kind in LENGTH_TYPES:
        detail["length"] = error.get("input_length", context.get("actual_length"))
        for bound in ("min_length", "max_length"):
            if bound in context:
                detail[bound] = context[bound]
    elif kind == "json_invalid":
        position = _POSITION.search(str(context.get("error", error.get("msg", ""))))
        if position:
            detail["line"], detail["column"] = (int(part) for part in position.groups())
    elif kind in WHOLE_NUMBER_TYPES and "input_number" in error:
        detail["number"] = error["input_number"]
    elif "input_text" in error:
        detail["value"] = error["input_text"]
    elif kind not in MESSAGES and kind not in ALIASES:
        values = {
            name: value
            for name, value in context.items()
            if name != "error" and isinstance(value, str | int | float)
        }
        if values:
            detail["context"] = values
    return detail


def schema_error_message(error: dict[str, Any]) -> str:
    """Return the message of one pydantic error in the active language, naming the
    member and the JSON type of the value sent."""
    location = [str(part) for part in error.get("loc", [])]
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    input_text = error.get("input_text")
    values = {
        "path": member_path(location),
        "found": json_type_label(error.get("input_type", "value")),
        "length": error.get("input_length", context.get("actual_length", "?")),
        "min_length": context.get("min_length", "?"),
        "max_length": context.get("max_length", "?"),
        "error": str(context.get("error", error.get("msg", ""))),
        "type": kind,
        "value": "?" if input_text is None else quoted_text(shown(input_text)),
        "number": shown(error.get("input_number", "?")),
    }
    position = _POSITION.search(values["error"])
    values["line"], values["column"] = position.groups() if position else ("?", "?")
    message_kind = ALIASES.get(kind, kind)
    if kind in WHOLE_NUMBER_TYPES and "input_number" in error:
        message_kind = "int_from_number"
    template = MESSAGES.get(message_kind)
    if template is None:
        values["error"] = str(error.get("msg", ""))
        template = FALLBACK
    values["error"] = full_sentence(values["error"])
    return tidy_cjk_spacing(str(template) % values)


def member_path(location: list[str]) -> str:
    """Return a location as the client wrote it, such as items[0].material.

    A body location starts with "body" and the name of the operation's schema parameter,
    which is not part of the JSON the client sends, so both are left out. An empty path
    is the whole request body.
    """
    parts = list(location)
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        if source == "body" and parts:
            parts.pop(0)
    if not parts:
        return _("The request body")
    path = parts[0]
    for part in parts[1:]:
        path += f"[{part}]" if part.isdigit() else f".{part}"
    return path


class SchemaMismatch(OneStopError):
    """A request body or parameter of the wrong shape, with one detail per problem.

    Django Ninja's schema errors and the hand-read JSON bodies both end here, so the same
    problem gets the same status and code on every operation. `errors` are pydantic's
    error dicts, with the facts of `value_facts`.
    """

    code = "request.invalid"
    status = 422
    message = gettext_lazy(
        "The request does not match the API schema: %(summary)s details.errors lists "
        "each problem with its location and pydantic type."
    )

    def __init__(
        self, errors: list[dict[str, Any]], *, error_count: int | None = None
    ) -> None:
        # A body of a few megabytes can hold hundreds of thousands of unknown members,
        # so only the first problems are described. `error_count` counts them all when
        # the caller passed on only the first ones.
        shown_errors = errors[:MAX_REPORTED_PROBLEMS]
        count = max(error_count or 0, len(errors))
        super().__init__(
            errors=[schema_error_detail(error) for error in shown_errors],
            error_count=count,
        )
        self.problems = shown_errors
        self.problem_count = count

    def render(self) -> str:
        sentences = [schema_error_message(error) for error in self.problems]
        left_out = self.problem_count - len(self.problems)
        if left_out:
            sentences.append(
                ngettext(
                    "%(count)s more problem is not listed.",
                    "%(count)s more problems are not listed.",
                    left_out,
                )
                % {"count": left_out}
            )
        return tidy_cjk_spacing(str(self.message) % {"summary": " ".join(sentences)})


def schema_mismatch(error: ValidationError) -> SchemaMismatch:
    """Return the error for a JSON body that a schema read by hand rejects.

    Each location starts with "body" and "payload", as in the errors of the operations
    whose body Django Ninja reads into the parameter `payload`.
    """
    problems = []
    for item in error.errors(include_url=False):
        problem: dict[str, Any] = {
            key: value for key, value in item.items() if key != "input"
        }
        problem["loc"] = ["body", "payload", *item["loc"]]
        problem.update(value_facts(item.get("input"), str(item["type"])))
        problems.append(problem)
    return SchemaMismatch(problems)


def check_query_names(request: HttpRequest, names: Collection[str]) -> None:
    """Raise SchemaMismatch naming each query parameter that is not in `names`, as
    for a JSON member that a request body does not define."""
    unknown = [name for name in request.GET if name not in names]
    if unknown:
        raise SchemaMismatch(
            [
                {"loc": ["query", detail_text(name)], "type": "extra_forbidden"}
                for name in unknown
            ]
        )


def body_not_an_object(value: Any) -> SchemaMismatch:
    """Return the error for a JSON body that parsed, but to something other than an object."""
    return SchemaMismatch(
        [{"loc": ["body"], "type": "dict_type", **value_facts(value)}]
    )
