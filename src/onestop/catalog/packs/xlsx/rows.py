"""Read the rows of one sheet by its columns, recording each bad header and cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import openpyxl
from django.utils.translation import gettext_lazy as _
from openpyxl.worksheet.worksheet import Worksheet

from .errors import CellError, XlsxError
from .layout import Column


def read_rows(
    workbook: openpyxl.Workbook,
    title: str,
    columns: list[Column],
    errors: list[XlsxError],
) -> list[_Row] | None:
    """Return every non-empty row of a sheet, or None when the sheet is missing.

    A bad header costs only its own column: the other columns are still read.
    """
    if title not in workbook.sheetnames:
        errors.append(
            XlsxError(
                title,
                None,
                "",
                "xlsx.missing_sheet",
                str(_("The sheet %(sheet)s is missing. Add it.") % {"sheet": title}),
            )
        )
        return None

    sheet = workbook[title]
    check_sheet_cells(sheet, errors)
    positions = _header_positions(sheet, columns, errors)

    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        row = _read_row(title, number, cells, columns, positions, errors)
        if row is not None:
            rows.append(row)
    return rows


def check_sheet_cells(sheet: Worksheet, errors: list[XlsxError]) -> None:
    for merged in sheet.merged_cells.ranges:
        errors.append(
            XlsxError(
                sheet.title,
                merged.min_row,
                str(merged),
                "xlsx.merged_cells",
                str(
                    _("Merged cells are not allowed. Unmerge %(range)s.")
                    % {"range": merged}
                ),
            )
        )
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                errors.append(
                    XlsxError(
                        sheet.title,
                        cell.row,
                        cell.coordinate,
                        "xlsx.formula",
                        str(
                            _(
                                "Formulas are not allowed. Replace %(cell)s by its value."
                            )
                            % {"cell": cell.coordinate}
                        ),
                    )
                )


def _header_positions(
    sheet: Worksheet, columns: list[Column], errors: list[XlsxError]
) -> dict[str, int]:
    """Return the index of each known header, recording the bad headers as errors."""
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1), ())]
    known = {column.header for column in columns}
    positions: dict[str, int] = {}

    for index, header in enumerate(headers):
        if header is None:
            continue
        if header not in known or header in positions:
            rule = (
                "xlsx.unknown_header"
                if header not in known
                else "xlsx.duplicate_header"
            )
            errors.append(
                XlsxError(
                    sheet.title,
                    1,
                    str(header),
                    rule,
                    str(
                        _(
                            "The header %(header)s is unknown or repeated, so the "
                            "cells under it were not read. Remove it."
                        )
                        % {"header": header}
                    ),
                )
            )
            continue
        positions[header] = index

    for column in columns:
        if column.required and column.header not in positions:
            errors.append(
                XlsxError(
                    sheet.title,
                    1,
                    column.header,
                    "xlsx.missing_header",
                    str(
                        _(
                            "The required column %(header)s is missing, so no row "
                            "could be checked for it. Add it."
                        )
                        % {"header": column.header}
                    ),
                )
            )
    return positions


@dataclass(frozen=True)
class _Row:
    """One non-empty row: its number, values by key path, and the paths not read.

    A cell that could not be read keeps its raw value (None if it is empty or has no
    column), so the pack validation finds the key. Its path is in `unread`.
    """

    number: int
    values: dict[tuple[str, ...], Any]
    unread: set[tuple[str, ...]]


def _read_row(
    title: str,
    number: int,
    cells: tuple[Any, ...],
    columns: list[Column],
    positions: dict[str, int],
    errors: list[XlsxError],
) -> _Row | None:
    raw = {
        column.header: _cell_value(cells, positions.get(column.header))
        for column in columns
    }
    if all(value is None for value in raw.values()):
        return None

    row = _Row(number, {}, set())
    for column in columns:
        index = positions.get(column.header)
        value = raw[column.header]
        if index is None or _is_formula(cells, index):
            # A missing required column or a formula is reported once, already.
            if column.required or value is not None:
                row.values[column.path] = _plain(value)
                row.unread.add(column.path)
            continue
        if value is None:
            if column.required:
                errors.append(
                    XlsxError(
                        title,
                        number,
                        column.header,
                        "xlsx.missing_value",
                        str(_("The required cell is empty. Fill it in.")),
                    )
                )
                row.values[column.path] = None
                row.unread.add(column.path)
            continue
        try:
            row.values[column.path] = column.kind.from_cell(value)
        except CellError as error:
            errors.append(
                XlsxError(title, number, column.header, error.rule, error.message)
            )
            row.values[column.path] = _plain(value)
            row.unread.add(column.path)
    return row


def _plain(value: Any) -> Any:
    """Return a raw cell value as a type the YAML writer can represent."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _is_formula(cells: tuple[Any, ...], index: int) -> bool:
    return index < len(cells) and cells[index].data_type == "f"


def _cell_value(cells: tuple[Any, ...], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    value = cells[index].value
    if isinstance(value, str) and not value.strip():
        return None
    return value
