"""Text cells of the .xlsx workbooks that OneStop writes."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from onestop.core.spreadsheets import append_row


def saved_row(values):
    workbook = Workbook()
    append_row(workbook.active, values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return list(load_workbook(io.BytesIO(buffer.getvalue())).active[1])


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_prefix_stays_text(text):
    (cell,) = saved_row([text])

    # XML reads a carriage return in text back as a line feed (XML 1.0, section 2.11).
    assert cell.value == text.replace("\r", "\n")
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


def test_plain_text_and_numbers_unchanged():
    text, number = saved_row(["窗口 3", -3])

    assert text.value == "窗口 3"
    assert text.quotePrefix is False
    assert number.value == -3
    assert number.data_type == "n"
