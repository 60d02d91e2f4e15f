"""Read the matters, their materials and form fields, and the pack sheet 事项包."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from openpyxl.utils import column_index_from_string

from ..documents import PathKey
from .cells import json_from_cell
from .errors import CellError, XlsxError, row_ranges
from .layout import (
    MATTER_COLUMNS,
    MATTER_ID,
    MATTER_ID_HEADER,
    MATTER_SHEET,
    PACK_KEYS,
    PACK_SHEET,
    Column,
)
from .rows import Row, check_sheet_cells, header_letters, missing_sheet, read_rows


@dataclass
class MatterSheet:
    """The matters read from the sheet 事项, by id, and the rows they came from.

    `matters` is None when the sheet is missing. `rejected` maps the 事项编号 and the
    基本编码 of each row whose 事项编号 was reported as invalid or not read to that
    row, so the rows of 申请材料 and 表单字段 that name it are folded into one error.
    """

    matters: dict[str, dict[str, Any]] | None
    rows: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)


def read_matters(
    workbook: openpyxl.Workbook,
    errors: list[XlsxError],
    unread: dict[str, set[PathKey]],
) -> MatterSheet:
    """Read the matters by id and the row of each, recording duplicates as errors."""
    rows = read_rows(workbook, MATTER_SHEET, MATTER_COLUMNS, errors)
    if rows is None:
        return MatterSheet(None)

    sheet = MatterSheet({})
    matters: dict[str, dict[str, Any]] = {}
    basic_code_rows: dict[str, int] = {}
    for row in rows:
        number = row.number
        matter = _nest(row.values)
        matter_id = _checked_id(row, matter.get("id"), errors)
        basic_code = matter.get("basic_code")
        if matter_id is None:
            for value in (matter.get("id"), basic_code):
                if isinstance(value, str):
                    sheet.rejected.setdefault(value, number)
            continue
        if matter_id in matters:
            errors.append(_duplicate(row, ("id",), sheet.rows[matter_id]))
            continue

        if basic_code is not None and not matter.get("guide_only"):
            if basic_code in basic_code_rows:
                errors.append(
                    _duplicate(row, ("basic_code",), basic_code_rows[basic_code])
                )
            basic_code_rows.setdefault(basic_code, number)

        if "scope" in matter:
            # The schema allows a null 通办形式, which the loader does not fill in.
            matter["scope"].setdefault("form", None)
        matter.setdefault("materials", [])
        matter.setdefault("form_fields", [])
        matters[matter_id] = matter
        sheet.rows[matter_id] = number
        unread[matter_id] = set(row.unread)
    sheet.matters = matters
    return sheet


def _checked_id(row: Row, matter_id: Any, errors: list[XlsxError]) -> str | None:
    """Return a row's valid 事项编号, or None when it is invalid or was not read."""
    if not isinstance(matter_id, str) or ("id",) in row.unread:
        return None
    if not MATTER_ID.fullmatch(matter_id):
        # The id names the matter's file, so it is checked before anything is written.
        errors.append(_invalid_id(row, matter_id))
        return None
    return matter_id


def _invalid_id(row: Row, matter_id: str) -> XlsxError:
    return XlsxError(
        MATTER_SHEET,
        row.number,
        MATTER_ID_HEADER,
        "xlsx.invalid_id",
        str(
            _(
                "The matter id %(id)s is not valid. Use 2 to 81 lower-case letters, "
                "digits and hyphens, starting with a letter or a digit."
            )
            % {"id": matter_id[:90]}
        ),
        row.cells[("id",)],
    )


def _duplicate(row: Row, path: tuple[str, ...], first: int) -> XlsxError:
    is_id = path == ("id",)
    return XlsxError(
        MATTER_SHEET,
        row.number,
        MATTER_ID_HEADER if is_id else "基本编码",
        f"xlsx.duplicate_{'id' if is_id else 'basic_code'}",
        str(
            _("The value repeats the one in row %(row)s. Give each matter its own.")
            % {"row": first}
        ),
        row.cells[path],
    )


def attach_rows(
    workbook: openpyxl.Workbook,
    title: str,
    columns: list[Column],
    key: str,
    matter_sheet: MatterSheet,
    errors: list[XlsxError],
    unread: dict[str, set[PathKey]],
    item_rows: dict[tuple[str, str, int], int],
) -> None:
    """Append each row of a child sheet to the list `key` of the matter it names.

    `item_rows` gets the row of each appended item, keyed by the matter id, `key` and
    the item's index in that list. The rows that name no matter on the sheet 事项 get
    one error for each 事项编号 they name.
    """
    rows = read_rows(workbook, title, columns, errors) or []
    matters = matter_sheet.matters
    if matters is None:
        # Without readable matters, every row would be reported as an unknown matter.
        return

    orphans: dict[str, list[Row]] = {}
    for row in rows:
        number = row.number
        item = _nest(row.values)
        matter_id = item.pop("matter", None)
        basic_code = item.pop("basic_code", None)
        if not isinstance(matter_id, str) or ("matter",) in row.unread:
            continue
        if matter_id not in matters:
            _link_rejected(matter_id, basic_code, matter_sheet.rejected)
            orphans.setdefault(matter_id, []).append(row)
            continue
        index = len(matters[matter_id][key])
        matters[matter_id][key].append(item)
        item_rows[(matter_id, key, index)] = number
        unread[matter_id] |= {(key, index, *path) for path in row.unread}

    for matter_id, orphan_rows in orphans.items():
        matter_row = matter_sheet.rejected.get(matter_id)
        errors.append(_orphan_rows(title, matter_id, orphan_rows, matter_row))


def _link_rejected(matter_id: str, basic_code: Any, rejected: dict[str, int]) -> None:
    """Link a 事项编号 to a rejected row of 事项 that has the same 基本编码.

    A row of 申请材料 names both, so its matter is found even when the 事项编号 on the
    sheet 事项 was reported. The link then serves the rows of 表单字段 too, which have
    no 基本编码.
    """
    if isinstance(basic_code, str) and basic_code in rejected:
        rejected.setdefault(matter_id, rejected[basic_code])


def _orphan_rows(
    title: str, matter_id: str, rows: list[Row], matter_row: int | None
) -> XlsxError:
    """Report the rows of a child sheet that name the same matter, not read from 事项.

    `matter_row` is the row of 事项 that the rows belong to, whose 事项编号 was
    reported as invalid or not read, or None when no row of 事项 has their matter.
    """
    numbers = [row.number for row in rows]
    values = {"count": len(rows), "rows": row_ranges(numbers)}
    if matter_row is not None:
        rule = "xlsx.rejected_matter"
        message = ngettext(
            "This row belongs to the matter in row %(matter_row)s of the sheet 事项, "
            "which was not read because of the error reported for its 事项编号, so "
            "the row %(rows)s was not read either. Fix that 事项编号 and name it here.",
            "These rows belong to the matter in row %(matter_row)s of the sheet 事项, "
            "which was not read because of the error reported for its 事项编号, so "
            "the %(count)s rows %(rows)s were not read either. Fix that 事项编号 and "
            "name it in these rows.",
            len(rows),
        ) % {**values, "matter_row": matter_row}
    else:
        rule = "xlsx.unknown_matter"
        message = ngettext(
            "No matter %(matter)s is in the sheet 事项, so the row %(rows)s that names "
            "it was not read. Add the matter or fix the 事项编号.",
            "No matter %(matter)s is in the sheet 事项, so the %(count)s rows %(rows)s "
            "that name it were not read. Add the matter or fix the 事项编号 in these "
            "rows.",
            len(rows),
        ) % {**values, "matter": matter_id}
    first = rows[0]
    return XlsxError(
        title, first.number, MATTER_ID_HEADER, rule, message, first.cells[("matter",)]
    )


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
        errors.append(missing_sheet(PACK_SHEET))
        return fixed

    sheet = workbook[PACK_SHEET]
    headers = {
        column_index_from_string(letter) - 1: header
        for header, letter in header_letters(sheet).items()
    }
    reported = check_sheet_cells(sheet, headers, errors)
    present = set()
    for number, (key, value) in enumerate(
        sheet.iter_rows(min_row=2, max_col=2, values_only=True), start=2
    ):
        if key not in PACK_KEYS:
            continue
        present.add(key)
        if {(number, 0), (number, 1)} & reported:
            continue
        try:
            fixed[key] = json_from_cell(value)
        except CellError as error:
            errors.append(
                XlsxError(
                    PACK_SHEET, number, "值", error.rule, error.message, f"B{number}"
                )
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
