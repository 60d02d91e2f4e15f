"""The errors of an .xlsx import: one per bad cell, row or sheet, and the one raised."""

from __future__ import annotations

from dataclasses import dataclass

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
            "rule": first.rule,
        }
        super().__init__(count=len(errors), first=Coded(location, str(first)))
        self.errors = errors


@dataclass(frozen=True)
class XlsxError:
    """One bad cell, row or sheet: `row` counts from 1 and is None for a whole sheet."""

    sheet: str
    row: int | None
    column: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.sheet if self.row is None else f"{self.sheet}!{self.row}"
        if self.column:
            where += f" [{self.column}]"
        return f"{where}: {self.message} [{self.rule}]"


class CellError(Exception):
    """Raised by a cell converter; the reader adds the sheet, row and column."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
