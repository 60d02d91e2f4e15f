"""Check pack documents against the JSON Schemas (draft 2020-12) in schema/.

jsonschema's own messages are English only, so each failure is turned into a
PackError with a stable rule (``schema.unknown_key``, ``schema.type`` ...) and a
translated message that names the value and the expected form.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext, pgettext_lazy
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from onestop.core.json_input import number_text

from .documents import Document, PathKey
from .errors import PackError

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_FILES = {
    "pack": "pack.schema.json",
    "departments": "departments.schema.json",
    "certificate_types": "certificate_types.schema.json",
    "matter": "matter.schema.json",
    "mapping": "mapping.schema.json",
    "bindings": "bindings.schema.json",
}

_JSON_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}
# Every type name of JSON Schema in plain words, for messages about a value's type.
TYPE_LABELS = {
    "object": pgettext_lazy("JSON Schema type", "a mapping of keys to values"),
    "array": pgettext_lazy("JSON Schema type", "a list"),
    "string": pgettext_lazy("JSON Schema type", "text"),
    "integer": pgettext_lazy("JSON Schema type", "a whole number"),
    "number": pgettext_lazy("JSON Schema type", "a number"),
    "boolean": pgettext_lazy("JSON Schema type", "true or false"),
    "null": pgettext_lazy("JSON Schema type", "empty (null)"),
}


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    return {
        kind: json.loads((SCHEMA_DIR / file_name).read_text(encoding="utf-8"))
        for kind, file_name in SCHEMA_FILES.items()
    }


@cache
def _validator(kind: str) -> Draft202012Validator:
    schemas = _schemas()
    registry: Registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return Draft202012Validator(schemas[kind], registry=registry)


def load_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema of pack, departments, certificate_types or matter."""
    return _schemas()[kind]


def check_schema(document: Document, kind: str) -> list[PackError]:
    """Return one PackError for every place where `document` breaks its schema."""
    errors: list[PackError] = []
    seen: set[tuple[str, str]] = set()
    failures = sorted(
        _validator(kind).iter_errors(document.data),
        key=lambda failure: [str(part) for part in failure.absolute_path],
    )

    for failure in failures:
        for error in _translate(document, failure):
            marker = (error.path, error.rule + error.message)
            if marker not in seen:
                seen.add(marker)
                errors.append(error)
    return errors


def _translate(document: Document, failure: ValidationError) -> list[PackError]:
    path: PathKey = tuple(failure.absolute_path)
    validator = str(failure.validator)
    handler = _HANDLERS.get(validator)
    if handler is not None:
        return handler(document, path, failure)

    return [
        document.error(
            path,
            f"schema.{validator}",
            _("The value breaks the rule %(rule)s: %(detail)s. Correct the value."),
            rule=validator,
            detail=failure.message,
        )
    ]


def _unknown_keys(document: Document, path: PathKey, failure: ValidationError) -> list:
    schema = failure.schema if isinstance(failure.schema, dict) else {}
    allowed = sorted(schema.get("properties", {}))
    instance = failure.instance if isinstance(failure.instance, dict) else {}
    return [
        document.error(
            (*path, key),
            "schema.unknown_key",
            _(
                "The key %(key)s is not allowed here. Check its spelling or remove it; "
                "the allowed keys are: %(allowed)s."
            ),
            key=key,
            allowed=", ".join(allowed),
        )
        for key in instance
        if key not in allowed
    ]


def _missing_keys(document: Document, path: PathKey, failure: ValidationError) -> list:
    instance = failure.instance if isinstance(failure.instance, dict) else {}
    required = (
        failure.validator_value if isinstance(failure.validator_value, list) else []
    )
    return [
        document.error(
            path,
            "schema.required",
            _("The required key %(key)s is missing. Add it."),
            key=key,
        )
        for key in required
        if key not in instance
    ]


def _wrong_type(document: Document, path: PathKey, failure: ValidationError) -> list:
    expected = failure.validator_value
    names = expected if isinstance(expected, list) else [expected]
    actual = _JSON_TYPE_NAMES.get(type(failure.instance), "number")
    return [
        document.error(
            path,
            "schema.type",
            _(
                "The value %(value)s is %(actual)s, but %(expected)s is expected. "
                "Write a value of that type."
            ),
            value=_short(failure.instance),
            actual=type_label(actual),
            expected=pgettext("joins alternatives", " or ").join(
                type_label(str(name)) for name in names
            ),
        )
    ]


def type_label(name: str) -> str:
    """Return a JSON Schema type name in plain words of the active language."""
    label = TYPE_LABELS.get(name)
    return name if label is None else str(label)


def _not_in_choices(
    document: Document, path: PathKey, failure: ValidationError
) -> list:
    choices = failure.validator_value
    if failure.validator == "const":
        choices = [choices]
    return [
        document.error(
            path,
            "schema.enum",
            _("The value %(value)s is not allowed. Use one of: %(choices)s."),
            value=_short(failure.instance),
            choices=", ".join(str(choice) for choice in choices),
        )
    ]


_SLUG_FORM = _(
    "%(min)s to %(max)s lower-case letters, digits or hyphens, starting with a letter "
    "or digit"
)
_KEY_FORM = _(
    "%(min)s to %(max)s lower-case letters, digits or underscores, starting with a "
    "letter"
)
# Each pattern of the schema files in words, with the values of its placeholders, so
# that a message describes the form instead of quoting a regular expression.
PATTERN_FORMS: dict[str, tuple[Any, dict[str, Any]]] = {
    "^[a-z0-9][a-z0-9-]{1,80}$": (_SLUG_FORM, {"min": 2, "max": 81}),
    "^[a-z0-9][a-z0-9-]{1,62}$": (_SLUG_FORM, {"min": 2, "max": 63}),
    "^[a-z][a-z0-9_]{1,62}$": (_KEY_FORM, {"min": 2, "max": 63}),
    "^[a-z][a-z0-9_]{0,62}$": (_KEY_FORM, {"min": 1, "max": 63}),
    "^[0-9]{12}$": (_("exactly %(count)s digits"), {"count": 12}),
    "^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}\\d{3}$": (
        _(
            "21 characters: 2 code characters, 6 digits, 10 code characters and 3 "
            "digits, where a code character is a digit or a capital letter other than "
            "I, O, S, V and Z"
        ),
        {},
    ),
    (
        "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
        "(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$"
    ): (_("a semantic version such as 1.2.0"), {}),
}


def _pattern(document: Document, path: PathKey, failure: ValidationError) -> list:
    form = PATTERN_FORMS.get(str(failure.validator_value))
    if form is None:
        return [
            document.error(
                path,
                "schema.pattern",
                _(
                    "The value %(value)s has the wrong form: it must match the "
                    "regular expression %(pattern)s."
                ),
                value=_short(failure.instance),
                pattern=failure.validator_value,
            )
        ]
    text, values = form
    return [
        document.error(
            path,
            "schema.pattern",
            _("The value %(value)s has the wrong form: write %(form)s."),
            value=_short(failure.instance),
            form=str(text) % values if values else str(text),
        )
    ]


def _size(document: Document, path: PathKey, failure: ValidationError) -> list:
    limit = failure.validator_value
    count = limit if isinstance(limit, int) else 0
    messages = {
        "minLength": ngettext_lazy(
            "The text must have at least %(limit)s character. Fill it in.",
            "The text must have at least %(limit)s characters. Fill it in.",
            count,
        ),
        "maxLength": ngettext_lazy(
            "The text may have at most %(limit)s character. Shorten it.",
            "The text may have at most %(limit)s characters. Shorten it.",
            count,
        ),
        "minItems": _(
            "The list has fewer than %(limit)s items. Add the missing items."
        ),
        "maxItems": _(
            "The list has more than %(limit)s items. Remove the extra items."
        ),
        "minimum": _("The number %(value)s is below the minimum %(limit)s. Raise it."),
        "maximum": _("The number %(value)s is above the maximum %(limit)s. Lower it."),
        "minProperties": _(
            "The mapping has fewer than %(limit)s entries. Add entries."
        ),
    }
    return [
        document.error(
            path,
            f"schema.{failure.validator}",
            messages[str(failure.validator)],
            value=_short(failure.instance),
            limit=failure.validator_value,
        )
    ]


def _unique(document: Document, path: PathKey, failure: ValidationError) -> list:
    return [
        document.error(
            path,
            "schema.unique_items",
            _("The list contains a value more than once. Remove the repeated value."),
        )
    ]


_HANDLERS = {
    "additionalProperties": _unknown_keys,
    "required": _missing_keys,
    "type": _wrong_type,
    "enum": _not_in_choices,
    "const": _not_in_choices,
    "pattern": _pattern,
    "minLength": _size,
    "maxLength": _size,
    "minItems": _size,
    "maxItems": _size,
    "minimum": _size,
    "maximum": _size,
    "minProperties": _size,
    "uniqueItems": _unique,
}


def _short(value: Any) -> str:
    """Return a value as it was written, JSON numbers and literals included, cut to 60
    characters for a message."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = number_text(value)
    elif isinstance(value, dict | list | bool) or value is None:
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
