"""Rows of the .xlsx workbooks that OneStop writes (rating statistics, pack exports)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

# Spreadsheet programs treat text that starts with one of these as a formula when it is
# typed or imported from CSV, so a value such as "=HYPERLINK(...)" from a form could run
# as one (CSV or formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append `values` to `sheet`, writing every text as a string and never a formula.

    openpyxl stores a text starting with "=" as a formula, so its type is reset to
    string. A text starting with one of FORMULA_PREFIXES also gets Excel's quote prefix,
    so it stays text when a user edits the cell. The value itself is not changed.
    """
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if not isinstance(cell.value, str):
            continue
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
