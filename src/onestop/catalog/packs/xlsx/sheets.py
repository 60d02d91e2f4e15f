"""Read the matters, their materials and form fields, and the pack sheet 事项包."""

from __future__ import annotations

from typing import Any

import openpyxl
from django.utils.translation import gettext_lazy as _

from ..documents import PathKey
from .cells import json_from_cell
from .errors import CellError, XlsxError
from .layout import (
    MATTER_COLUMNS,
    MATTER_ID,
    MATTER_ID_HEADER,
    MATTER_SHEET,
    PACK_KEYS,
    PACK_SHEET,
    Column,
)
from .rows import check_sheet_cells, read_rows


def read_matters(
    workbook: openpyxl.Workbook,
    errors: list[XlsxError],
    unread: dict[str, set[PathKey]],
) -> tuple[dict[str, dict[str, Any]] | None, dict[str, int]]:
    """Return the matters by id and the row of each, recording duplicates as errors."""
    matters: dict[str, dict[str, Any]] = {}
    matter_rows: dict[str, int] = {}
    basic_code_rows: dict[str, int] = {}

    rows = read_rows(workbook, MATTER_SHEET, MATTER_COLUMNS, errors)
    if rows is None:
        return None, matter_rows

    for row in rows:
        number = row.number
        matter = _nest(row.values)
        matter_id = matter.get("id")
        if not isinstance(matter_id, str) or ("id",) in row.unread:
            continue
        if not MATTER_ID.fullmatch(matter_id):
            # The id names the matter's file, so it is checked before anything is written.
            errors.append(_invalid_id(number, matter_id))
            continue
        if matter_id in matters:
            errors.append(_duplicate(MATTER_ID_HEADER, number, matter_rows[matter_id]))
            continue

        basic_code = matter.get("basic_code")
        if basic_code is not None and not matter.get("guide_only"):
            if basic_code in basic_code_rows:
                errors.append(
                    _duplicate("基本编码", number, basic_code_rows[basic_code])
                )
            basic_code_rows.setdefault(basic_code, number)

        if "scope" in matter:
            # The schema allows a null 通办形式, which the loader does not fill in.
            matter["scope"].setdefault("form", None)
        matter.setdefault("materials", [])
        matter.setdefault("form_fields", [])
        matters[matter_id] = matter
        matter_rows[matter_id] = number
        unread[matter_id] = set(row.unread)
    return matters, matter_rows


def _invalid_id(number: int, matter_id: str) -> XlsxError:
    return XlsxError(
        MATTER_SHEET,
        number,
        MATTER_ID_HEADER,
        "xlsx.invalid_id",
        str(
            _(
                "The matter id %(id)s is not valid. Use 2 to 81 lower-case letters, "
                "digits and hyphens, starting with a letter or a digit."
            )
            % {"id": matter_id[:90]}
        ),
    )


def _duplicate(header: str, number: int, first: int) -> XlsxError:
    return XlsxError(
        MATTER_SHEET,
        number,
        header,
        f"xlsx.duplicate_{'id' if header == MATTER_ID_HEADER else 'basic_code'}",
        str(
            _("The value repeats the one in row %(row)s. Give each matter its own.")
            % {"row": first}
        ),
    )


def attach_rows(
    workbook: openpyxl.Workbook,
    title: str,
    columns: list[Column],
    key: str,
    matters: dict[str, dict[str, Any]] | None,
    errors: list[XlsxError],
    unread: dict[str, set[PathKey]],
    item_rows: dict[tuple[str, str, int], int],
) -> None:
    """Append each row of a child sheet to the list `key` of the matter it names.

    `item_rows` gets the row of each appended item, keyed by the matter id, `key` and
    the item's index in that list.
    """
    rows = read_rows(workbook, title, columns, errors) or []
    if matters is None:
        # Without readable matters, every row would be reported as an unknown matter.
        return

    for row in rows:
        number = row.number
        item = _nest(row.values)
        matter_id = item.pop("matter", None)
        item.pop("basic_code", None)
        if not isinstance(matter_id, str) or ("matter",) in row.unread:
            continue
        if matter_id not in matters:
            errors.append(
                XlsxError(
                    title,
                    number,
                    MATTER_ID_HEADER,
                    "xlsx.unknown_matter",
                    str(
                        _(
                            "No matter %(matter)s is in the sheet 事项. Add it or fix "
                            "the id."
                        )
                        % {"matter": matter_id}
                    ),
                )
            )
            continue
        index = len(matters[matter_id][key])
        matters[matter_id][key].append(item)
        item_rows[(matter_id, key, index)] = number
        unread[matter_id] |= {(key, index, *path) for path in row.unread}


def _nest(values: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path, value in values.items():
        target = nested
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    return nested


def read_pack_sheet(
    workbook: openpyxl.Workbook, errors: list[XlsxError]
) -> dict[str, Any]:
    fixed: dict[str, Any] = {}
    if PACK_SHEET not in workbook.sheetnames:
        errors.append(
            XlsxError(
                PACK_SHEET,
                None,
                "",
                "xlsx.missing_sheet",
                str(
                    _("The sheet %(sheet)s is missing. Add it.") % {"sheet": PACK_SHEET}
                ),
            )
        )
        return fixed

    sheet = workbook[PACK_SHEET]
    check_sheet_cells(sheet, errors)
    present = set()
    for number, (key, value) in enumerate(
        sheet.iter_rows(min_row=2, max_col=2, values_only=True), start=2
    ):
        if key in PACK_KEYS:
            present.add(key)
            try:
                fixed[key] = json_from_cell(value)
            except CellError as error:
                errors.append(
                    XlsxError(PACK_SHEET, number, "值", error.rule, error.message)
                )

    for key in PACK_KEYS:
        if key not in present:
            errors.append(
                XlsxError(
                    PACK_SHEET,
                    None,
                    key,
                    "xlsx.missing_value",
                    str(_("The row %(key)s is missing. Add it.") % {"key": key}),
                )
            )
    return fixed
