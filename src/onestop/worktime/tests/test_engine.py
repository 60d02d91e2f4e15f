"""Working-day arithmetic against the published 2025 and 2026 schedules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.worktime.engine import (
    SHANGHAI,
    Due,
    Pause,
    WorkdayCalendar,
    chinesecalendar_days,
    due_date,
    effective_day,
    remaining_working_days,
    warning_level,
)

CALENDAR = WorkdayCalendar.from_chinesecalendar()
WEEKENDS_ONLY = WorkdayCalendar({}, official_years=())


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def working_due(accepted_at: dt.datetime, amount: int, pauses=()) -> dt.date:
    return due_date(CALENDAR, accepted_at, amount, "working_days", pauses).date


def count_day_by_day(is_workday, start: dt.date, amount: int) -> dt.date:
    day = start
    while amount > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            amount -= 1
    return day


# Spring Festival 2026: rest from Sunday 15 February to Monday 23 February, with the
# Saturdays 14 and 28 February worked as make-up days.


def test_spring_festival_2026_days_are_rest_days():
    for day in range(15, 24):
        assert not CALENDAR.is_workday(dt.date(2026, 2, day)), day


def test_spring_festival_2026_make_up_saturdays_are_workdays():
    assert CALENDAR.is_workday(dt.date(2026, 2, 14))
    assert CALENDAR.is_workday(dt.date(2026, 2, 28))


def test_spring_festival_2026_make_up_saturday_first():
    assert working_due(at(2026, 2, 13), 1) == dt.date(2026, 2, 14)


def test_spring_festival_2026_count_jumps_the_block():
    assert working_due(at(2026, 2, 13), 2) == dt.date(2026, 2, 24)


def test_spring_festival_2026_five_days_from_thursday():
    assert working_due(at(2026, 2, 12), 5) == dt.date(2026, 2, 26)


def test_spring_festival_2026_second_make_up_saturday():
    assert working_due(at(2026, 2, 9), 10) == dt.date(2026, 2, 28)


# National Day 2025: rest from 1 to 8 October, make-up days Sunday 28 September and
# Saturday 11 October.


def test_national_day_2025_make_up_sunday_counts():
    assert working_due(at(2025, 9, 26), 1) == dt.date(2025, 9, 28)


def test_national_day_2025_block_is_skipped():
    assert working_due(at(2025, 9, 26), 4) == dt.date(2025, 10, 9)


def test_national_day_2025_make_up_saturday_counts():
    assert working_due(at(2025, 9, 26), 6) == dt.date(2025, 10, 11)


def test_national_day_2025_days_are_rest_days():
    for day in range(1, 9):
        assert not CALENDAR.is_workday(dt.date(2025, 10, day)), day


# National Day 2026: rest from 1 to 7 October, make-up day Saturday 10 October.
# Mid-Autumn rests from 25 to 27 September, with Sunday 20 September worked.


def test_national_day_2026_first_day_after_block():
    assert working_due(at(2026, 9, 30), 1) == dt.date(2026, 10, 8)


def test_national_day_2026_make_up_saturday_counts():
    assert working_due(at(2026, 9, 30), 3) == dt.date(2026, 10, 10)


def test_national_day_2026_monday_after_make_up():
    assert working_due(at(2026, 9, 30), 4) == dt.date(2026, 10, 12)


def test_mid_autumn_2026_make_up_sunday_counts():
    assert working_due(at(2026, 9, 18), 1) == dt.date(2026, 9, 20)


# Year boundaries and years without a published schedule.


def test_limit_into_2027_is_provisional():
    due = due_date(CALENDAR, at(2026, 12, 15), 20, "working_days", [])

    assert due.date == dt.date(2027, 1, 12)
    assert due.provisional


def test_limit_inside_2026_is_not_provisional():
    due = due_date(CALENDAR, at(2026, 12, 1), 10, "working_days", [])

    assert due.date == dt.date(2026, 12, 15)
    assert not due.provisional


def test_limit_before_2004_is_provisional():
    due = due_date(CALENDAR, at(2003, 12, 22), 10, "working_days", [])

    assert due.provisional


def test_far_future_limit_uses_weekends_only():
    due = due_date(CALENDAR, at(2040, 3, 2), 5, "working_days", [])

    assert due.date == dt.date(2040, 3, 9)
    assert due.provisional


def test_empty_calendar_counts_weekdays():
    due = due_date(WEEKENDS_ONLY, at(2026, 2, 13), 2, "working_days", [])

    assert due.date == dt.date(2026, 2, 17)
    assert due.provisional


# Pauses (补正 and special procedures).


def test_pause_spanning_holiday_counts_only_working_days():
    pause = Pause(at(2026, 2, 12), at(2026, 2, 25))

    assert working_due(at(2026, 2, 9), 10, [pause]) == dt.date(2026, 3, 5)


def test_correction_answered_same_day_costs_nothing():
    pause = Pause(at(2026, 3, 2, 10), at(2026, 3, 2, 15))

    assert working_due(at(2026, 3, 2, 9), 3, [pause]) == dt.date(2026, 3, 5)


def test_correction_answered_after_hours_costs_one_day():
    pause = Pause(at(2026, 3, 2, 10), at(2026, 3, 2, 18))

    assert working_due(at(2026, 3, 2, 9), 3, [pause]) == dt.date(2026, 3, 6)


def test_correction_answered_on_weekend_costs_monday():
    pause = Pause(at(2026, 3, 6, 10), at(2026, 3, 7, 10))

    assert working_due(at(2026, 3, 2, 9), 5, [pause]) == dt.date(2026, 3, 10)


def test_overlapping_pauses_count_once():
    first = Pause(at(2026, 3, 3), at(2026, 3, 5))
    second = Pause(at(2026, 3, 4), at(2026, 3, 6))

    assert working_due(at(2026, 3, 2), 5, [first, second]) == dt.date(2026, 3, 12)


def test_pause_before_acceptance_is_ignored():
    pause = Pause(at(2026, 2, 25), at(2026, 3, 3))

    assert working_due(at(2026, 3, 2), 1, [pause]) == dt.date(2026, 3, 4)


def test_open_pause_counts_until_now():
    pause = Pause(at(2026, 3, 3))

    due = due_date(
        CALENDAR, at(2026, 3, 2), 5, "working_days", [pause], now=at(2026, 3, 5)
    )

    assert due.date == dt.date(2026, 3, 11)
    assert due.open_pause


def test_closed_pauses_leave_open_pause_unset():
    due = due_date(CALENDAR, at(2026, 3, 2), 5, "working_days", [])

    assert not due.open_pause


# Acceptance time.


def test_acceptance_after_office_hours_counts_next_day():
    assert working_due(at(2026, 3, 2, 17, 30), 1) == dt.date(2026, 3, 4)


def test_acceptance_before_office_hours_end_counts_same_day():
    assert working_due(at(2026, 3, 2, 17, 29), 1) == dt.date(2026, 3, 3)


def test_utc_acceptance_is_converted_to_shanghai():
    evening = dt.datetime(2026, 3, 2, 9, 45, tzinfo=dt.UTC)

    assert effective_day(CALENDAR, evening) == dt.date(2026, 3, 3)


def test_utc_acceptance_before_local_midnight_keeps_local_date():
    early_monday = dt.datetime(2026, 3, 1, 17, 0, tzinfo=dt.UTC)

    assert effective_day(CALENDAR, early_monday) == dt.date(2026, 3, 2)


def test_acceptance_on_rest_day_counts_next_workday():
    assert working_due(at(2026, 3, 7), 1) == dt.date(2026, 3, 10)


def test_office_hours_end_is_configurable():
    due = due_date(
        CALENDAR,
        at(2026, 3, 2, 17),
        1,
        "working_days",
        [],
        office_hours_end=dt.time(17),
    )

    assert due.date == dt.date(2026, 3, 4)


def test_naive_acceptance_time_raises():
    with pytest.raises(ValueError, match="timezone-aware"):
        due_date(CALENDAR, dt.datetime(2026, 3, 2, 10), 1, "working_days", [])


# Natural-day limits.


def test_natural_days_count_the_calendar():
    due = due_date(CALENDAR, at(2026, 3, 2), 4, "natural_days", [])

    assert due.date == dt.date(2026, 3, 6)


def test_natural_days_ending_on_weekend_move_to_monday():
    due = due_date(CALENDAR, at(2026, 3, 2), 5, "natural_days", [])

    assert due.date == dt.date(2026, 3, 9)


def test_natural_days_ending_in_holiday_move_past_it():
    due = due_date(CALENDAR, at(2026, 2, 10), 7, "natural_days", [])

    assert due.date == dt.date(2026, 2, 24)


def test_natural_days_pause_counts_calendar_days():
    pause = Pause(at(2026, 3, 3), at(2026, 3, 5))

    due = due_date(CALENDAR, at(2026, 3, 2), 2, "natural_days", [pause])

    assert due.date == dt.date(2026, 3, 6)


def test_unknown_unit_raises():
    with pytest.raises(ValueError, match="unit"):
        due_date(CALENDAR, at(2026, 3, 2), 1, "hours", [])  # type: ignore[arg-type]


# 即办件 (amount 0).


def test_immediate_matter_due_on_working_acceptance_day():
    assert working_due(at(2026, 3, 2), 0) == dt.date(2026, 3, 2)


def test_immediate_matter_on_saturday_due_monday():
    assert working_due(at(2026, 3, 7), 0) == dt.date(2026, 3, 9)


def test_immediate_matter_on_make_up_saturday():
    assert working_due(at(2026, 2, 14), 0) == dt.date(2026, 2, 14)


def test_immediate_matter_in_holiday_due_after_it():
    assert working_due(at(2026, 2, 16), 0) == dt.date(2026, 2, 24)


def test_immediate_matter_after_hours_due_next_workday():
    assert working_due(at(2026, 2, 13, 18), 0) == dt.date(2026, 2, 14)


def test_negative_amount_raises():
    with pytest.raises(ValueError, match="amount"):
        due_date(CALENDAR, at(2026, 3, 2), -1, "working_days", [])


# Remaining days and warning levels.


def test_remaining_is_zero_on_due_date():
    assert (
        remaining_working_days(CALENDAR, dt.date(2026, 3, 6), dt.date(2026, 3, 6)) == 0
    )


def test_remaining_skips_holiday_block():
    today = dt.date(2026, 2, 13)

    assert remaining_working_days(CALENDAR, dt.date(2026, 2, 25), today) == 3


def test_remaining_is_minus_one_on_weekend_after_due():
    assert (
        remaining_working_days(CALENDAR, dt.date(2026, 3, 6), dt.date(2026, 3, 7)) == -1
    )


def test_remaining_counts_working_days_overdue():
    assert (
        remaining_working_days(CALENDAR, dt.date(2026, 3, 6), dt.date(2026, 3, 10))
        == -2
    )


@pytest.mark.parametrize(
    ("remaining", "limit", "expected"),
    [
        (5, 20, "ok"),
        (4, 20, "yellow"),
        (0, 20, "yellow"),
        (-1, 20, "red"),
        (0, 0, "yellow"),
        (3, 15, "yellow"),
        (4, 15, "ok"),
    ],
)
def test_warning_level_thresholds(remaining, limit, expected):
    assert warning_level(remaining, limit) == expected


def test_warning_level_takes_decimal_ratio():
    assert warning_level(6, 20, Decimal("0.3")) == "yellow"


# The calendar itself.


def test_chinesecalendar_days_carry_chinese_notes():
    days = {day.date: day for day in chinesecalendar_days([2026])}

    assert days[dt.date(2026, 2, 17)].note == "春节"
    assert days[dt.date(2026, 10, 10)].is_workday
    assert days[dt.date(2026, 10, 10)].note == "国庆节"


def test_chinesecalendar_years_cover_2004_to_2026():
    assert min(CALENDAR.official_years) == 2004
    assert max(CALENDAR.official_years) == 2026


def test_explicit_override_makes_weekday_a_rest_day():
    wednesday = dt.date(2030, 5, 8)
    calendar = WorkdayCalendar({wednesday: False}, official_years=[2030])

    assert not calendar.is_workday(wednesday)
    assert calendar.add_working_days(dt.date(2030, 5, 7), 1) == dt.date(2030, 5, 9)


def test_working_days_between_is_negative_backwards():
    assert (
        CALENDAR.working_days_between(dt.date(2026, 2, 24), dt.date(2026, 2, 13)) == -2
    )


def test_due_is_a_value_object():
    assert Due(dt.date(2026, 3, 2), False) == Due(dt.date(2026, 3, 2), False, False)


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2002, 1, 1), max_value=dt.date(2028, 12, 31)),
    amount=st.integers(min_value=0, max_value=80),
)
def test_ordinals_match_day_by_day_count(start, amount):
    expected = count_day_by_day(CALENDAR.is_workday, start, amount)

    assert CALENDAR.add_working_days(start, amount) == expected
    assert CALENDAR.working_days_between(start, expected) == amount


@settings(max_examples=200, deadline=None)
@given(
    overrides=st.dictionaries(
        st.dates(min_value=dt.date(2030, 1, 1), max_value=dt.date(2032, 12, 31)),
        st.booleans(),
        max_size=40,
    ),
    start=st.dates(min_value=dt.date(2029, 6, 1), max_value=dt.date(2033, 6, 30)),
    amount=st.integers(min_value=0, max_value=120),
)
def test_random_overrides_match_day_by_day_count(overrides, start, amount):
    calendar = WorkdayCalendar(overrides, official_years=[2031])
    expected = count_day_by_day(
        lambda day: overrides.get(day, day.weekday() < 5), start, amount
    )

    assert calendar.add_working_days(start, amount) == expected
    assert calendar.working_days_between(start, expected) == amount
    for day, is_workday in overrides.items():
        assert calendar.is_workday(day) == is_workday
