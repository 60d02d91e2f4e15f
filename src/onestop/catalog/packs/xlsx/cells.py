"""The conversions between pack values and cell values, one for each kind of column."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import list_text
from onestop.core.json_errors import describe_json_error

from .errors import CellError

TRUE_FALSE = {True: "是", False: "否"}


@dataclass(frozen=True)
class Kind:
    """The conversion of one column's pack value to a cell value and back."""

    to_cell: Callable[[Any], Any]
    from_cell: Callable[[Any], Any]


def _text_to_cell(value: Any) -> Any:
    return value if value not in (None, "") else None


def _text_from_cell(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CellError(
            "xlsx.not_text", str(_("The cell is not text. Enter the value as text."))
        )
    return str(value)


TEXT = Kind(_text_to_cell, _text_from_cell)


def _number_from_cell(value: Any) -> int | float:
    if isinstance(value, bool):
        raise CellError("xlsx.bad_number", _bad_number(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            return float(str(value).strip())
        except ValueError:
            raise CellError("xlsx.bad_number", _bad_number(value)) from None


def _integer_from_cell(value: Any) -> int:
    number = _number_from_cell(value)
    if not isinstance(number, int):
        raise CellError(
            "xlsx.bad_number",
            str(
                _("The value %(value)s is not a whole number. Enter digits only.")
                % {"value": value}
            ),
        )
    return number


def _bad_number(value: Any) -> str:
    return str(
        _("The value %(value)s is not a number. Enter digits only.") % {"value": value}
    )


INTEGER = Kind(lambda value: value, _integer_from_cell)
NUMBER = Kind(lambda value: value, _number_from_cell)


def enum(labels: dict[Any, str]) -> Kind:
    codes = {label: code for code, label in labels.items()}

    def from_cell(value: Any) -> Any:
        text = str(value).strip()
        if text in codes:
            return codes[text]
        raise CellError(
            "xlsx.unknown_value",
            str(
                _("The value %(value)s is unknown. Use one of %(choices)s.")
                % {"value": text, "choices": list_text(labels.values())}
            ),
        )

    return Kind(lambda value: labels[value] if value is not None else None, from_cell)


def enum_list(labels: dict[str, str]) -> Kind:
    single = enum(labels)

    def to_cell(values: list[str]) -> Any:
        return "\n".join(labels[value] for value in values) or None

    def from_cell(value: Any) -> list[str]:
        return [single.from_cell(line) for line in _lines(value)]

    return Kind(to_cell, from_cell)


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in str(value).splitlines() if line.strip()]


TEXT_LIST = Kind(lambda values: "\n".join(values) or None, _lines)
BOOLEAN = enum(TRUE_FALSE)


def _json_to_cell(value: Any) -> Any:
    if value in (None, [], {}):
        return None
    return json.dumps(_without_nulls(value), ensure_ascii=False)


def _without_nulls(value: Any) -> Any:
    """Drop keys whose value is None: the loader fills them in, the schema rejects them."""
    if isinstance(value, dict):
        return {
            key: _without_nulls(item) for key, item in value.items() if item is not None
        }
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def json_from_cell(value: Any) -> Any:
    try:
        return json.loads(str(value))
    except json.JSONDecodeError as error:
        raise CellError(
            "xlsx.invalid_json",
            str(
                _("The cell is not valid JSON (%(error)s). Fix the JSON text.")
                % {"error": describe_json_error(error)}
            ),
        ) from None


JSON = Kind(_json_to_cell, json_from_cell)


def _titles_to_cell(items: list[dict[str, Any]]) -> Any:
    if all(not item.get("article") and not item.get("excerpt") for item in items):
        return "\n".join(item["title"] for item in items) or None
    return _json_to_cell(items)


def _titles_from_cell(value: Any) -> list[dict[str, Any]]:
    if str(value).lstrip().startswith("["):
        return json_from_cell(value)
    return [{"title": line} for line in _lines(value)]


# A legal basis of titles only is one title a line, and one with articles is JSON.
LEGAL_BASIS = Kind(_titles_to_cell, _titles_from_cell)
