"""The stored calendar: seeding, regions, the cache and missing years."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from onestop.core.models import AuditEvent
from onestop.worktime.actions import (
    load_schedule,
    seed_calendar,
    set_calendar_day,
)
from onestop.worktime.engine import SHANGHAI, CalendarDay, chinesecalendar_days
from onestop.worktime.errors import CalendarPermissionDenied, InvalidRegion
from onestop.worktime.models import WorkCalendarDay, WorkCalendarYear
from onestop.worktime.queries import (
    clear_calendar_cache,
    compute_due,
    get_calendar,
    loaded_years,
    missing_years,
    region_chain,
)
from onestop.worktime.schedule import Schedule
from onestop.worktime.tasks import alert_missing_years

pytestmark = pytest.mark.django_db

# A made-up 2027 schedule for tests: a rest day on Monday 4 January and a make-up
# workday on Saturday 9 January. It is not the official 2027 schedule.
SAMPLE_2027 = Schedule(
    year=2027,
    days=(
        CalendarDay(dt.date(2027, 1, 1), False, "元旦"),
        CalendarDay(dt.date(2027, 1, 4), False, "test rest day"),
        CalendarDay(dt.date(2027, 1, 9), True, "test make-up day"),
    ),
)


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def test_seed_loads_2004_to_2026():
    result = seed_calendar()

    assert result.years == list(range(2004, 2027))
    assert result.days == len(chinesecalendar_days())
    assert loaded_years() == list(range(2004, 2027))


def test_seed_stores_days_with_notes():
    seed_calendar()

    day = WorkCalendarDay.objects.get(region_code="", date=dt.date(2026, 2, 14))
    assert day.is_workday
    assert day.note == "春节"
    assert day.source == "chinesecalendar"


def test_seed_twice_adds_nothing():
    seed_calendar()
    days = WorkCalendarDay.objects.count()

    second = seed_calendar()

    assert second.years == []
    assert second.days == 0
    assert WorkCalendarDay.objects.count() == days
    assert AuditEvent.objects.filter(verb="worktime.calendar_seeded").count() == 1


def test_seed_skips_year_loaded_from_file():
    load_schedule(
        Schedule(2026, (CalendarDay(dt.date(2026, 1, 1), False, "元旦"),)), actor=None
    )

    result = seed_calendar()

    assert 2026 not in result.years
    assert WorkCalendarDay.objects.filter(date__year=2026).count() == 1


def test_seed_writes_audit_event():
    seed_calendar()

    event = AuditEvent.objects.get(verb="worktime.calendar_seeded")
    assert event.actor_role == "system"
    assert event.data["years"][0] == 2004


def test_stored_calendar_matches_package():
    seed_calendar()

    calendar = get_calendar("")

    assert calendar.is_workday(dt.date(2026, 2, 28))
    assert not calendar.is_workday(dt.date(2026, 2, 16))
    assert calendar.is_official(2026)
    assert not calendar.is_official(2027)


def test_compute_due_uses_stored_days():
    seed_calendar()

    due = compute_due("440604", at(2026, 2, 13), 2, "working_days", [])

    assert due.date == dt.date(2026, 2, 24)
    assert not due.provisional


def test_compute_due_into_2027_is_provisional():
    seed_calendar()

    due = compute_due("440604", at(2026, 12, 15), 20, "working_days", [])

    assert due.date == dt.date(2027, 1, 12)
    assert due.provisional


def test_loading_2027_clears_cache_and_provisional(django_capture_on_commit_callbacks):
    seed_calendar()
    before = compute_due("", at(2026, 12, 15), 20, "working_days", [])

    with django_capture_on_commit_callbacks(execute=True):
        load_schedule(SAMPLE_2027, actor=None)
    after = compute_due("", at(2026, 12, 15), 20, "working_days", [])

    assert before.provisional
    assert before.date == dt.date(2027, 1, 12)
    assert not after.provisional
    # Two rest days (1 and 4 January) and one make-up Saturday: one day later.
    assert after.date == dt.date(2027, 1, 13)
    assert get_calendar("").is_workday(dt.date(2027, 1, 9))
    assert not get_calendar("").is_workday(dt.date(2027, 1, 4))


def test_region_chain_runs_province_city_county():
    assert region_chain("440604") == ["", "440000", "440600", "440604"]


def test_region_chain_of_province_has_no_duplicates():
    assert region_chain("450000") == ["", "450000"]


def test_region_chain_rejects_invalid_code():
    with pytest.raises(InvalidRegion) as raised:
        region_chain("44060")

    assert raised.value.code == "calendar.invalid_region"
    assert '"44060" is not a region code' in raised.value.render()


def test_province_day_reaches_counties_only():
    seed_calendar()
    sanyuesan = dt.date(2026, 4, 20)

    set_calendar_day(sanyuesan, False, actor=None, region_code="450000", note="三月三")

    assert not get_calendar("450102").is_workday(sanyuesan)
    assert get_calendar("440604").is_workday(sanyuesan)
    assert get_calendar("").is_workday(sanyuesan)


def test_county_day_overrides_province_day():
    day = dt.date(2026, 4, 20)
    set_calendar_day(day, False, actor=None, region_code="450000")

    set_calendar_day(day, True, actor=None, region_code="450102")

    assert get_calendar("450102").is_workday(day)
    assert not get_calendar("450103").is_workday(day)


def test_set_calendar_day_replaces_stored_day():
    seed_calendar()
    day = dt.date(2026, 2, 14)

    set_calendar_day(day, False, actor=None, note="corrected")

    row = WorkCalendarDay.objects.get(region_code="", date=day)
    assert not row.is_workday
    assert row.source == "admin"
    assert row.note == "corrected"


def test_cache_serves_within_check_interval():
    seed_calendar()
    first = get_calendar("")
    WorkCalendarDay.objects.filter(date=dt.date(2026, 2, 14)).update(is_workday=False)

    cached = get_calendar("")

    assert cached is first


def test_cache_reloads_after_clear():
    seed_calendar()
    first = get_calendar("")

    set_calendar_day(dt.date(2026, 2, 14), False, actor=None)
    clear_calendar_cache()

    assert get_calendar("") is not first
    assert not get_calendar("").is_workday(dt.date(2026, 2, 14))


def test_cache_reloads_when_stamp_changes(monkeypatch):
    seed_calendar()
    first = get_calendar("")
    monkeypatch.setattr("onestop.worktime.queries.CACHE_CHECK_SECONDS", 0.0)

    set_calendar_day(dt.date(2026, 2, 14), False, actor=None)

    assert get_calendar("") is not first


def test_cache_keeps_calendar_when_stamp_unchanged(monkeypatch):
    seed_calendar()
    first = get_calendar("")
    monkeypatch.setattr("onestop.worktime.queries.CACHE_CHECK_SECONDS", 0.0)

    assert get_calendar("") is first


def test_missing_years_lists_unloaded_years():
    seed_calendar()

    years = missing_years("", dt.date(2028, 6, 30), since=dt.date(2026, 3, 1))

    assert years == [2027, 2028]


def test_missing_years_empty_when_loaded():
    seed_calendar()

    assert missing_years("", dt.date(2026, 12, 31), since=dt.date(2026, 1, 1)) == []


def test_missing_years_counts_region_year():
    seed_calendar()
    load_schedule(SAMPLE_2027, actor=None, region_code="440604")

    assert missing_years("440604", dt.date(2027, 3, 1), since=dt.date(2026, 3, 1)) == []
    assert missing_years("", dt.date(2027, 3, 1), since=dt.date(2026, 3, 1)) == [2027]


def test_alert_logs_each_missing_year(caplog):
    seed_calendar()

    with caplog.at_level(logging.WARNING):
        years = alert_missing_years(upto=dt.date(2040, 1, 1))

    assert 2040 in years
    assert "worktime.calendar_year_missing" in caplog.text
    assert "year=2040" in caplog.text


def test_centre_admin_may_edit_own_region(centre_admin):
    set_calendar_day(
        dt.date(2026, 4, 20), False, actor=centre_admin, region_code="440604"
    )

    event = AuditEvent.objects.get(verb="worktime.day_set")
    assert event.actor == centre_admin
    assert event.actor_role == "centre_admin"


def test_centre_admin_may_not_edit_other_region(centre_admin):
    with pytest.raises(CalendarPermissionDenied) as raised:
        set_calendar_day(
            dt.date(2026, 4, 20), False, actor=centre_admin, region_code="450000"
        )

    assert raised.value.code == "calendar.permission_denied"
    assert "region 450000" in raised.value.render()
    assert not WorkCalendarDay.objects.exists()


def test_centre_admin_may_not_edit_national(centre_admin):
    with pytest.raises(CalendarPermissionDenied):
        load_schedule(SAMPLE_2027, actor=centre_admin)

    assert not WorkCalendarYear.objects.exists()


def test_platform_admin_may_edit_national(platform_admin):
    result = load_schedule(SAMPLE_2027, actor=platform_admin)

    assert result.year == 2027
    assert (
        AuditEvent.objects.get(verb="worktime.schedule_loaded").actor == platform_admin
    )
