"""Reads of the work calendar: the calendar of a region, due dates and missing years.

The calendar is national data, not tenant data, so these reads take a region code and
not a centre. A centre passes its own `Centre.region_code`.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils import timezone

from onestop.regions.gb2260 import check_current_region
from onestop.worktime.engine import Due, Pause, Unit, WorkdayCalendar, due_date
from onestop.worktime.errors import InvalidRegion
from onestop.worktime.models import NATIONAL, WorkCalendarDay, WorkCalendarYear

# Another process's change to the calendar reaches this process's cache within this
# many seconds. A change made in this process clears the cache when it commits.
CACHE_CHECK_SECONDS = 60.0

_REGION_CODE = re.compile(r"[1-9]\d{5}")


@dataclass(frozen=True)
class _CacheEntry:
    stamp: tuple
    checked_at: float
    calendar: WorkdayCalendar


_cache: dict[str, _CacheEntry] = {}
_cache_lock = threading.Lock()


def check_region_code(region_code: str) -> str:
    """Return the stripped region code, or raise `InvalidRegion` if it is invalid.

    A valid code is "" (national) or six digits that do not start with 0.
    """
    region_code = (region_code or "").strip()
    if region_code and not _REGION_CODE.fullmatch(region_code):
        raise InvalidRegion(value=region_code)
    return region_code


def check_calendar_region(region_code: str) -> str:
    """Return the stripped code of a region that may have calendar days, or raise.

    The code is "" (national) or a GB/T 2260 code in use today. `onestop provision`
    checks a centre's code against the same list, but accepts only county-level codes.
    """
    region_code = check_region_code(region_code)
    if region_code:
        check_current_region(region_code)
    return region_code


def region_chain(region_code: str) -> list[str]:
    """Return the codes whose days apply to a region, from national to county.

    "440604" gives ["", "440000", "440600", "440604"]: the national days, then those of
    the province (Guangdong), the city (Foshan) and the county (Chancheng), each
    overriding the ones before.
    """
    region_code = check_region_code(region_code)
    chain = [NATIONAL]
    if region_code:
        for code in (region_code[:2] + "0000", region_code[:4] + "00", region_code):
            if code not in chain:
                chain.append(code)
    return chain


def _stamp(chain: list[str]) -> tuple:
    days = WorkCalendarDay.objects.filter(region_code__in=chain).aggregate(
        count=Count("id"), changed=Max("updated_at")
    )
    years = WorkCalendarYear.objects.filter(region_code__in=chain).aggregate(
        count=Count("id"), loaded=Max("loaded_at")
    )
    return (days["count"], days["changed"], years["count"], years["loaded"])


def _load(chain: list[str]) -> WorkdayCalendar:
    overrides: dict[dt.date, bool] = {}
    rows = WorkCalendarDay.objects.filter(region_code__in=chain).values_list(
        "region_code", "date", "is_workday"
    )
    for _code, day, is_workday in sorted(rows, key=lambda row: chain.index(row[0])):
        overrides[day] = is_workday

    years = WorkCalendarYear.objects.filter(region_code__in=chain).values_list(
        "year", flat=True
    )
    return WorkdayCalendar(overrides, official_years=set(years))


def get_calendar(region_code: str = NATIONAL) -> WorkdayCalendar:
    """Return the calendar of a region: national days with the region's overrides.

    A year counts as official when it is loaded nationally or for any region of the
    chain. The result is cached per process and reloaded when the stored days change.
    """
    chain = region_chain(region_code)
    key = chain[-1]
    now = time.monotonic()

    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and now - cached.checked_at < CACHE_CHECK_SECONDS:
        return cached.calendar

    stamp = _stamp(chain)
    calendar = cached.calendar if cached and cached.stamp == stamp else _load(chain)
    with _cache_lock:
        _cache[key] = _CacheEntry(stamp, now, calendar)
    return calendar


def clear_calendar_cache() -> None:
    """Drop every cached calendar of this process."""
    with _cache_lock:
        _cache.clear()


def compute_due(
    region_code: str,
    accepted_at: dt.datetime,
    amount: int,
    unit: Unit = "working_days",
    pauses: Iterable[Pause] = (),
    *,
    now: dt.datetime | None = None,
) -> Due:
    """Compute a due date on the region's calendar with the rules of `due_date`."""
    return due_date(
        get_calendar(region_code), accepted_at, amount, unit, pauses, now=now
    )


def loaded_years(region_code: str = NATIONAL) -> list[int]:
    """Return the years whose schedule is loaded for exactly this region code."""
    region_code = check_region_code(region_code)
    years = WorkCalendarYear.objects.filter(region_code=region_code)
    return sorted(years.values_list("year", flat=True))


def missing_years(
    region_code: str, upto: dt.date, since: dt.date | None = None
) -> list[int]:
    """Return the years from `since` to `upto` that have no official schedule.

    `since` defaults to today.

    Deadlines in those years are provisional until someone loads the schedule. The
    State Council usually publishes the next year's schedule in November.
    """
    since = since or timezone.localdate()
    calendar = get_calendar(region_code)
    return [
        year
        for year in range(since.year, upto.year + 1)
        if not calendar.is_official(year)
    ]
