"""parse_typed_date: the one reader of dates that people type, for every caller."""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.core.dates import TypedDateInvalid, parse_typed_date


@pytest.mark.parametrize(
    ("sent", "day"),
    [
        ("2026-12-05", dt.date(2026, 12, 5)),
        ("２０２６－１２－０５", dt.date(2026, 12, 5)),
        ("2026-1２-0５", dt.date(2026, 12, 5)),
        (" 2026-12-05 ", dt.date(2026, 12, 5)),
        ("\t2026-12-05\n", dt.date(2026, 12, 5)),
        ("\u3000２０２６－１２－０５\u3000", dt.date(2026, 12, 5)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2000-02-29", dt.date(2000, 2, 29)),
        ("0001-01-01", dt.date(1, 1, 1)),
        ("9999-12-31", dt.date(9999, 12, 31)),
    ],
)
def test_typed_date_is_read(sent, day):
    assert parse_typed_date(sent) == day


DAYS_THE_CALENDAR_LACKS = [
    "2026-02-30",
    "2026-02-29",
    "1900-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "2026-12-00",
    "0000-01-01",
    "２０２６－０２－３０",
    " 2026-02-30 ",
]
TEXTS_OF_ANOTHER_FORM = [
    "",
    "   ",
    "\u3000",
    "2026-2-3",
    "26-12-05",
    "20261205",
    "2026-W49-6",
    "2026W496",
    "2026-339",
    "2026/12/05",
    "2026.12.05",
    "2026年12月5日",
    "2026-12-05T08:00",
    "2026-12-05 08:00",
    "2026 -12-05",
    "+2026-12-05",
    "12026-12-05",
    "2026-12-05x",
    "yesterday",
    # Only full-width forms count as ASCII, so other scripts' digits and the circled
    # digits that NFKC would read are rejected.
    "٢٠٢٦-١٢-٠٥",
    "2026-①2-05",
]


@pytest.mark.parametrize(
    ("sent", "not_a_day"),
    [(sent, True) for sent in DAYS_THE_CALENDAR_LACKS]
    + [(sent, False) for sent in TEXTS_OF_ANOTHER_FORM],
)
def test_text_that_names_no_day(sent, not_a_day):
    with pytest.raises(TypedDateInvalid) as caught:
        parse_typed_date(sent)

    assert caught.value.not_a_day is not_a_day
    assert caught.value.text == sent


def test_leap_day_only_in_leap_years():
    assert parse_typed_date("2024-02-29") == dt.date(2024, 2, 29)
    with pytest.raises(TypedDateInvalid) as caught:
        parse_typed_date("2026-02-29")
    assert caught.value.not_a_day is True


def test_typed_date_error_is_a_value_error():
    with pytest.raises(ValueError, match="2026-02-30"):
        parse_typed_date("2026-02-30")
