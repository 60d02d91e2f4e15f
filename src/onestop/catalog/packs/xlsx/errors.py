"""The errors of an .xlsx import: one per bad cell, row or sheet, and the one raised."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onestop.core.errors import Coded, InvalidInput


class XlsxImportFailed(InvalidInput):
    code = "catalog_pack.xlsx_import_failed"

    def __init__(self, errors: list[XlsxError]) -> None:
        self.message = ngettext_lazy(
            "The workbook could not be imported: %(count)s error: %(first)s. Fix the "
            "row listed and import it again.",
            "The workbook could not be imported: %(count)s errors, the first is: "
            "%(first)s. Fix the rows listed and import it again.",
            len(errors),
        )
        first = errors[0]
        # The details locate the first error, and its message is in the language the
        # import ran in.
        location = {
            "sheet": first.sheet,
            "row": first.row,
            "column": first.column,
            "cell": first.cell,
            "rule": first.rule,
        }
        super().__init__(count=len(errors), first=Coded(location, str(first)))
        self.errors = errors


@dataclass(frozen=True)
class XlsxError:
    """One bad cell, row or sheet: `row` counts from 1 and is None for a whole sheet.

    `column` is the column's header, and `cell` the cell or range, such as B9 or
    B8:B9. `cell` is empty where there is no cell, such as for a missing column.
    """

    sheet: str
    row: int | None
    column: str
    rule: str
    message: str
    cell: str = ""

    def __str__(self) -> str:
        if self.cell:
            where = f"{self.sheet}!{self.cell}"
        elif self.row is not None:
            where = f"{self.sheet}!{self.row}"
        else:
            where = self.sheet
        if self.column:
            where += f" [{self.column}]"
        return f"{where}: {self.message} [{self.rule}]"


class CellError(Exception):
    """Raised by a cell converter; the reader adds the sheet, row and column."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def empty_cell(sheet: str, row: int, header: str, cell: str) -> XlsxError:
    message = _("The required cell is empty. Fill it in.")
    return XlsxError(sheet, row, header, "xlsx.missing_value", str(message), cell)


def row_ranges(rows: list[int]) -> str:
    """Write sorted row numbers as ranges: [2, 3, 4, 7] as 2-4, 7."""
    ranges: list[list[int]] = []
    for row in sorted(set(rows)):
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    return ", ".join(
        str(first) if first == last else f"{first}-{last}" for first, last in ranges
    )
