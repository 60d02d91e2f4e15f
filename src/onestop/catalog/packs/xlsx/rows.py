"""Read the rows of one sheet by its columns, recording each bad header and cell."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .errors import CellError, XlsxError, empty_cell
from .layout import Column


def read_rows(
    workbook: openpyxl.Workbook,
    title: str,
    columns: list[Column],
    errors: list[XlsxError],
) -> list[Row] | None:
    """Return every non-empty row of a sheet, or None when the sheet is missing.

    A bad header costs only its own column: the other columns are still read.
    """
    if title not in workbook.sheetnames:
        errors.append(missing_sheet(title))
        return None

    sheet = workbook[title]
    positions = _header_positions(sheet, columns, errors)
    headers = {index: header for header, index in positions.items()}
    reported = check_sheet_cells(sheet, headers, errors)

    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        row = _read_row(title, number, cells, columns, positions, reported, errors)
        if row is not None:
            rows.append(row)
    return rows


def missing_sheet(title: str) -> XlsxError:
    return XlsxError(
        title,
        None,
        "",
        "xlsx.missing_sheet",
        str(_("The sheet %(sheet)s is missing. Add it.") % {"sheet": title}),
    )


def header_letters(sheet: Worksheet) -> dict[str, str]:
    """Return the column letter of each header in row 1, the first one where repeated."""
    letters: dict[str, str] = {}
    for cell in next(sheet.iter_rows(max_row=1), ()):
        if cell.value is not None:
            letters.setdefault(str(cell.value), get_column_letter(cell.column))
    return letters


def check_sheet_cells(
    sheet: Worksheet, headers: dict[int, str], errors: list[XlsxError]
) -> set[tuple[int, int]]:
    """Record each merged range and formula cell, and return the cells not to read.

    Merged cells are rejected: one error names the range, and none of its cells is
    read, so an empty cell under the range is not reported again. The cells are
    (row, column index from 0) pairs, and `headers` maps a column index to its header.
    """
    reported: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        errors.append(
            XlsxError(
                sheet.title,
                merged.min_row,
                headers.get(merged.min_col - 1, ""),
                "xlsx.merged_cells",
                str(
                    _(
                        "The cells %(range)s are merged, so none of them was read. "
                        "Unmerge them and fill in each cell."
                    )
                    % {"range": merged.coord}
                ),
                merged.coord,
            )
        )
        reported |= {(row, column - 1) for row, column in merged.cells}

    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type != "f" or (cell.row, cell.column - 1) in reported:
                continue
            reported.add((cell.row, cell.column - 1))
            errors.append(
                XlsxError(
                    sheet.title,
                    cell.row,
                    headers.get(cell.column - 1, ""),
                    "xlsx.formula",
                    str(
                        _("Formulas are not allowed. Replace %(cell)s by its value.")
                        % {"cell": cell.coordinate}
                    ),
                    cell.coordinate,
                )
            )
    return reported


def _header_positions(
    sheet: Worksheet, columns: list[Column], errors: list[XlsxError]
) -> dict[str, int]:
    """Return the index of each known header, recording the bad headers as errors."""
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1), ())]
    known = {column.header for column in columns}
    absent = [column.header for column in columns if column.header not in headers]
    positions: dict[str, int] = {}

    for index, header in enumerate(headers):
        if header is None:
            continue
        if header in positions:
            errors.append(_repeated_header(sheet.title, str(header), positions, index))
        elif header not in known:
            errors.append(_unknown_header(sheet.title, str(header), absent, index))
        else:
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


def _repeated_header(
    title: str, header: str, positions: dict[str, int], index: int
) -> XlsxError:
    letter = get_column_letter(index + 1)
    message = _(
        "The header %(header)s repeats the one in %(first)s, so column %(column)s "
        "was not read. Remove column %(column)s or rename its header."
    ) % {
        "header": header,
        "first": f"{get_column_letter(positions[header] + 1)}1",
        "column": letter,
    }
    return XlsxError(
        title, 1, header, "xlsx.duplicate_header", str(message), f"{letter}1"
    )


def _unknown_header(
    title: str, header: str, absent: list[str], index: int
) -> XlsxError:
    """Report a header that no column has, naming the absent header it resembles."""
    letter = get_column_letter(index + 1)
    similar = difflib.get_close_matches(header, absent, n=1)
    if similar:
        message = _(
            "The header %(header)s is unknown, so column %(column)s was not read. If "
            "it is the column %(expected)s, rename it to %(expected)s."
        ) % {"header": header, "column": letter, "expected": similar[0]}
    else:
        message = _(
            "The header %(header)s is unknown, so column %(column)s was not read. "
            "Rename it to a header of the exported workbook, or remove the column."
        ) % {"header": header, "column": letter}
    return XlsxError(
        title, 1, header, "xlsx.unknown_header", str(message), f"{letter}1"
    )


@dataclass(frozen=True)
class Row:
    """One non-empty row: its number, values by key path, and the paths not read.

    A cell that could not be read keeps its raw value (None if it is empty or has no
    column), so the pack validation finds the key. Its path is in `unread`. `cells`
    maps the key path of each column that row 1 has to its cell, such as B9.
    """

    number: int
    values: dict[tuple[str, ...], Any]
    unread: set[tuple[str, ...]]
    cells: dict[tuple[str, ...], str]


def _read_row(
    title: str,
    number: int,
    cells: tuple[Any, ...],
    columns: list[Column],
    positions: dict[str, int],
    reported: set[tuple[int, int]],
    errors: list[XlsxError],
) -> Row | None:
    raw = {
        column.header: _cell_value(cells, positions.get(column.header))
        for column in columns
    }
    if all(value is None for value in raw.values()):
        return None

    row = Row(number, {}, set(), {})
    for column in columns:
        index = positions.get(column.header)
        value = raw[column.header]
        if index is None or (number, index) in reported:
            # A missing column, a merged cell or a formula is reported once, already.
            if column.required or value is not None:
                row.values[column.path] = _plain(value)
                row.unread.add(column.path)
            continue
        cell = f"{get_column_letter(index + 1)}{number}"
        row.cells[column.path] = cell
        if value is None:
            if column.required:
                errors.append(empty_cell(title, number, column.header, cell))
                row.values[column.path] = None
                row.unread.add(column.path)
            continue
        try:
            row.values[column.path] = column.kind.from_cell(value)
        except CellError as error:
            errors.append(
                XlsxError(title, number, column.header, error.rule, error.message, cell)
            )
            row.values[column.path] = _plain(value)
            row.unread.add(column.path)
    return row


def _plain(value: Any) -> Any:
    """Return a raw cell value as a type the YAML writer can represent."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _cell_value(cells: tuple[Any, ...], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    value = cells[index].value
    if isinstance(value, str) and not value.strip():
        return None
    return value
