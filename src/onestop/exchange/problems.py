"""The problems of a department message that `exchange.schema_invalid` lists.

Each problem is {"location", "code", ...values}: where in the message it is (members
joined with "/", "" for the whole body), a stable code and the values it names, the same
in every language. `problem_text` gives its sentence in the active language.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

import jsonschema
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.errors import list_text
from onestop.core.json_errors import PROBLEMS as JSON_PROBLEMS
from onestop.core.json_errors import json_problem
from onestop.core.json_input import NestingTooDeep
from onestop.core.schema_errors import json_type_label, json_type_name

# At most this many problems of one message go into the details; `count` gives all.
MAX_LISTED_PROBLEMS = 20

# JSON Schema keywords (draft 2020-12) and the problem code of each.
SCHEMA_CODES = {
    "required": "schema.required",
    "type": "schema.type",
    "enum": "schema.enum",
    "const": "schema.const",
    "additionalProperties": "schema.member_unknown",
    "not": "schema.member_reserved",
    "minLength": "schema.too_short",
    "maxLength": "schema.too_long",
    "pattern": "schema.pattern",
    "format": "schema.format",
    "minItems": "schema.too_few_items",
    "maxItems": "schema.too_many_items",
    "maxProperties": "schema.too_many_members",
}

PROBLEM_MESSAGES: dict[str, Any] = {
    "json.syntax": gettext_lazy("the body is not valid JSON (%(error)s)"),
    "json.not_utf8": gettext_lazy("the body is not UTF-8 text (byte %(offset)s)"),
    "json.number_too_long": gettext_lazy("the body is not valid JSON (%(error)s)"),
    "json.too_deep": gettext_lazy(
        "the body nests arrays and objects %(depth)s levels deep, more than the "
        "limit of %(limit)s"
    ),
    "schema.required": gettext_lazy("%(location)s: the member %(member)s is missing"),
    "schema.type": gettext_lazy(
        "%(location)s: a JSON %(sent)s is sent, but a %(expected)s is expected"
    ),
    "schema.enum": gettext_lazy(
        "%(location)s: the value is not one of %(allowed_text)s"
    ),
    "schema.const": gettext_lazy("%(location)s: the value must be %(expected)s"),
    "schema.member_unknown": gettext_lazy(
        "%(location)s: the members %(members_text)s are not defined by the schema"
    ),
    "schema.member_reserved": gettext_lazy(
        "%(location)s: the member %(member)s is not allowed here"
    ),
    "schema.too_short": gettext_lazy(
        "%(location)s: the text has %(length)s characters; the minimum is %(limit)s"
    ),
    "schema.too_long": gettext_lazy(
        "%(location)s: the text has %(length)s characters; the maximum is %(limit)s"
    ),
    "schema.pattern": gettext_lazy(
        "%(location)s: the text does not match the pattern %(pattern)s"
    ),
    "schema.format": gettext_lazy("%(location)s: the value is not a valid %(format)s"),
    "schema.too_few_items": gettext_lazy(
        "%(location)s: the list has %(count)s items; the minimum is %(limit)s"
    ),
    "schema.too_many_items": gettext_lazy(
        "%(location)s: the list has %(count)s items; the maximum is %(limit)s"
    ),
    "schema.too_many_members": gettext_lazy(
        "%(location)s: the object has %(count)s members; the maximum is %(limit)s"
    ),
    "schema.invalid": gettext_lazy(
        "%(location)s: the value breaks the schema keyword %(keyword)s"
    ),
}


def problem_text(problem: Mapping[str, Any]) -> str:
    """Return the sentence of one problem in the active language."""
    code = str(problem.get("code", ""))
    message = PROBLEM_MESSAGES.get(code, PROBLEM_MESSAGES["schema.invalid"])
    values = dict(problem)
    values["location"] = problem.get("location") or _("the message")
    values.setdefault("keyword", code)
    if code == "json.syntax":
        values["error"] = _json_syntax_text(problem)
    elif code == "json.number_too_long":
        values["error"] = _("a number has more than %(limit)s digits") % {
            "limit": problem.get("limit")
        }
    elif code == "schema.type":
        values["sent"] = json_type_label(str(problem.get("sent")))
        expected = problem.get("expected")
        names = expected if isinstance(expected, list) else [expected]
        values["expected"] = list_text(json_type_label(str(name)) for name in names)
    elif code == "schema.enum":
        values["allowed_text"] = list_text(
            json.dumps(value, ensure_ascii=False) for value in problem["allowed"]
        )
    elif code == "schema.const":
        values["expected"] = json.dumps(problem.get("expected"), ensure_ascii=False)
    elif code == "schema.member_unknown":
        values["members_text"] = list_text(problem.get("members") or [])
    return str(message) % values


def _json_syntax_text(problem: Mapping[str, Any]) -> str:
    key = problem.get("problem")
    text = next(
        (str(text) for _prefix, known, text in JSON_PROBLEMS if known == key),
        _("the syntax is invalid"),
    )
    return _("line %(line)s, column %(column)s: %(problem)s") % {
        "line": problem.get("line"),
        "column": problem.get("column"),
        "problem": text,
    }


def json_body_problem(error: ValueError | NestingTooDeep) -> dict[str, Any]:
    """Return the problem of a body that `json_input.loads` rejected."""
    if isinstance(error, NestingTooDeep):
        return {
            "location": "",
            "code": "json.too_deep",
            "depth": error.details["depth"],
            "limit": error.details["limit"],
        }
    if isinstance(error, UnicodeDecodeError):
        return {"location": "", "code": "json.not_utf8", "offset": error.start}
    code = json_problem(error).code
    if code.get("problem") == "number_too_long":
        return {
            "location": "",
            "code": "json.number_too_long",
            "limit": sys.get_int_max_str_digits(),
        }
    return {"location": "", "code": "json.syntax", **code}


def schema_problem(error: jsonschema.ValidationError) -> dict[str, Any]:
    """Return the problem of one JSON Schema validation error."""
    location = "/".join(str(part) for part in error.absolute_path)
    keyword = str(error.validator)
    code = SCHEMA_CODES.get(keyword, "schema.invalid")
    instance, expected = error.instance, error.validator_value
    problem: dict[str, Any] = {"location": location, "code": code}
    if keyword == "required":
        problem["member"] = _missing_member(error)
    elif keyword == "type":
        problem.update(sent=json_type_name(instance), expected=expected)
    elif keyword == "enum":
        problem["allowed"] = list(expected)
    elif keyword == "const":
        problem["expected"] = expected
    elif keyword == "additionalProperties":
        defined = set(error.schema.get("properties", {}))
        problem["members"] = sorted(
            str(name) for name in instance if name not in defined
        )
    elif keyword == "not":
        problem["member"] = str(instance)
    elif keyword in ("minLength", "maxLength"):
        problem.update(length=len(instance), limit=expected)
    elif keyword in ("pattern", "format"):
        problem[keyword] = expected
    elif keyword in ("minItems", "maxItems", "maxProperties"):
        problem.update(count=len(instance), limit=expected)
    else:
        problem["keyword"] = keyword
    return problem


def _missing_member(error: jsonschema.ValidationError) -> str:
    """Return the member that a `required` error names.

    The validator reports each missing member as its own error whose message starts
    with the member's repr, so the member is found by that.
    """
    missing = [name for name in error.validator_value if name not in error.instance]
    return next(
        (name for name in missing if error.message.startswith(repr(name))),
        missing[0] if missing else "",
    )


def listed_problems(problems: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the details of CallbackInvalid for `problems`: the first
    MAX_LISTED_PROBLEMS of them and their count."""
    return {"problems": problems[:MAX_LISTED_PROBLEMS], "count": len(problems)}
