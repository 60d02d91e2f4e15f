"""Working-day arithmetic for time limits (办结时限), in pure Python.

行政许可法 counts periods in working days (工作日) and excludes statutory
holidays. The State Council publishes each year's holidays and the weekend days
moved to workdays (调休). A `WorkdayCalendar` applies those published days as
overrides on top of the weekends-only rule, and it uses the weekends-only rule
alone for every day without an override.

Counting uses cumulative workday ordinals. `C(d)` is the number of workdays from
0001-01-01 up to and including `d`. Outside the span of overridden years `C` has
a closed form, and inside it `C` is a precomputed array. The inverse function is
a direct index into the sorted workdays of the span. Each query therefore takes
constant time and never loops over days.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE_HOURS_END = dt.time(17, 30)

Unit = Literal["working_days", "natural_days"]
WarningLevel = Literal["ok", "yellow", "red"]
UNITS: tuple[str, ...] = ("working_days", "natural_days")


def _weekday_count(ordinal: int) -> int:
    """Count the Monday-to-Friday days from 0001-01-01 (a Monday) to `ordinal`."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _nth_weekday(count: int) -> int:
    """Return the ordinal of the `count`-th Monday-to-Friday day since 0001-01-01."""
    weeks, rest = divmod(count - 1, 5)
    return 7 * weeks + rest + 1


class WorkdayCalendar:
    """Workday flags: published overrides, and the weekends-only rule everywhere else.

    `overrides` maps a date to True (a workday, such as a make-up Saturday) or
    False (a rest day, such as a holiday). `official_years` are the years whose
    published schedule is loaded. A deadline that touches any other year is
    provisional.
    """

    def __init__(
        self, overrides: Mapping[dt.date, bool], official_years: Iterable[int] = ()
    ) -> None:
        self.overrides = dict(overrides)
        self.official_years = frozenset(official_years)
        self._build_span()

    @classmethod
    def from_chinesecalendar(
        cls, years: Iterable[int] | None = None
    ) -> WorkdayCalendar:
        """Build the national calendar from the `chinesecalendar` package's data.

        `years` defaults to every year the installed package covers (2004–2026 in
        chinesecalendar 1.11.0).
        """
        days = chinesecalendar_days(years)
        overrides = {day.date: day.is_workday for day in days}
        return cls(overrides, official_years=chinesecalendar_years(years))

    def _build_span(self) -> None:
        years = {day.year for day in self.overrides} | set(self.official_years)
        if not years:
            self._start = 1
            self._end = 0
        else:
            self._start = dt.date(min(years), 1, 1).toordinal()
            self._end = dt.date(max(years), 12, 31).toordinal()

        flags = bytearray()
        cumulative = array("l")
        workdays = array("l")
        running = 0
        for ordinal in range(self._start, self._end + 1):
            day = dt.date.fromordinal(ordinal)
            flag = self.overrides.get(day, day.weekday() < 5)
            flags.append(flag)
            if flag:
                running += 1
                workdays.append(ordinal)
            cumulative.append(running)

        self._flags = bytes(flags)
        self._cumulative = cumulative
        self._workdays = workdays
        self._base = _weekday_count(self._start - 1)
        self._after_offset = self._base + running - _weekday_count(self._end)

    def _count_through(self, ordinal: int) -> int:
        """Count the workdays from 0001-01-01 up to and including `ordinal`."""
        if ordinal < self._start:
            return _weekday_count(ordinal)
        if ordinal > self._end:
            return _weekday_count(ordinal) + self._after_offset
        return self._base + self._cumulative[ordinal - self._start]

    def _nth_workday(self, count: int) -> int:
        """Return the ordinal of the first day `d` with `_count_through(d) == count`."""
        if count <= self._base:
            return _nth_weekday(count)
        if count <= self._base + len(self._workdays):
            return self._workdays[count - self._base - 1]
        return _nth_weekday(count - self._after_offset)

    def is_workday(self, day: dt.date) -> bool:
        """Tell whether `day` is a working day."""
        ordinal = day.toordinal()
        if self._start <= ordinal <= self._end:
            return bool(self._flags[ordinal - self._start])
        return day.weekday() < 5

    def is_official(self, year: int) -> bool:
        """Tell whether the published schedule of `year` is loaded."""
        return year in self.official_years

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Count the working days after `start` up to and including `end`.

        The result is negative when `end` is before `start`.
        """
        return self._count_through(end.toordinal()) - self._count_through(
            start.toordinal()
        )

    def add_working_days(self, start: dt.date, amount: int) -> dt.date:
        """Return the `amount`-th working day after `start`, or `start` itself for 0.

        Raises ValueError for a negative amount.
        """
        if amount < 0:
            raise ValueError(f"amount must be 0 or more, got {amount}")
        if amount == 0:
            return start
        target = self._count_through(start.toordinal()) + amount
        return dt.date.fromordinal(self._nth_workday(target))

    def next_workday(self, day: dt.date) -> dt.date:
        """Return the first working day after `day`."""
        return self.add_working_days(day, 1)

    def workday_on_or_after(self, day: dt.date) -> dt.date:
        """Return `day` if it is a working day, else the next working day."""
        return day if self.is_workday(day) else self.next_workday(day)

    def is_provisional(self, start: dt.date, end: dt.date) -> bool:
        """Tell whether a day from `start` to `end` lies in a year without data."""
        first, last = sorted((start.year, end.year))
        return any(year not in self.official_years for year in range(first, last + 1))


@dataclass(frozen=True)
class CalendarDay:
    """One published day: a holiday (is_workday False) or a make-up workday (True)."""

    date: dt.date
    is_workday: bool
    note: str = ""


def _chinesecalendar_tables() -> tuple[
    dict[dt.date, str], dict[dt.date, str], dict[str, str]
]:
    import chinese_calendar

    chinese_names = {
        holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday
    }
    return chinese_calendar.holidays, chinese_calendar.workdays, chinese_names


def chinesecalendar_years(years: Iterable[int] | None = None) -> list[int]:
    """Return the requested years that the installed `chinesecalendar` covers."""
    holidays, _workdays, _names = _chinesecalendar_tables()
    known = sorted({day.year for day in holidays})
    if years is None:
        return list(range(known[0], known[-1] + 1))
    return sorted(year for year in set(years) if known[0] <= year <= known[-1])


def chinesecalendar_days(years: Iterable[int] | None = None) -> list[CalendarDay]:
    """Return the holidays and make-up workdays `chinesecalendar` lists for `years`.

    A note is the holiday's Chinese name, for example "春节".
    """
    wanted = set(chinesecalendar_years(years))
    holidays, workdays, names = _chinesecalendar_tables()
    days = [
        CalendarDay(day, False, names.get(name, name))
        for day, name in holidays.items()
        if day.year in wanted
    ]
    days += [
        CalendarDay(day, True, names.get(name, name))
        for day, name in workdays.items()
        if day.year in wanted
    ]
    return sorted(days, key=lambda item: item.date)


@dataclass(frozen=True)
class Pause:
    """A stretch during which the clock stops.

    A pause is a correction request (补正) or a special procedure (特别程序).
    `ended_at` is None while the pause is still open, for example while the
    applicant has not yet answered a correction request.
    """

    started_at: dt.datetime
    ended_at: dt.datetime | None = None


@dataclass(frozen=True)
class Due:
    """A computed due date.

    `provisional` is True when the count touched a year whose schedule is not
    loaded. `open_pause` is True when a pause is still running, so `date` is the
    earliest possible due date. It moves by one day for each further paused day.
    """

    date: dt.date
    provisional: bool
    open_pause: bool = False


def effective_day(
    calendar: WorkdayCalendar,
    moment: dt.datetime,
    office_hours_end: dt.time = OFFICE_HOURS_END,
) -> dt.date:
    """Return the working day on which an event at `moment` counts as received.

    The moment is converted to Asia/Shanghai. An event on a working day before
    `office_hours_end` counts on that day. An event at or after it, or at any time
    on a rest day, counts on the next working day. Raises ValueError for a naive
    datetime.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")

    local = moment.astimezone(SHANGHAI)
    day = local.date()
    if calendar.is_workday(day) and local.time() < office_hours_end:
        return day
    return calendar.next_workday(day)


def _paused_spans(
    calendar: WorkdayCalendar,
    pauses: Iterable[Pause],
    accepted_day: dt.date,
    now: dt.datetime,
    office_hours_end: dt.time,
) -> list[tuple[dt.date, dt.date]]:
    """Return the merged (request day, answer day) spans from the acceptance day on."""
    spans = []
    for pause in pauses:
        start = effective_day(calendar, pause.started_at, office_hours_end)
        end = effective_day(calendar, pause.ended_at or now, office_hours_end)
        start = max(start, accepted_day)
        if end > start:
            spans.append((start, end))

    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def due_date(
    calendar: WorkdayCalendar,
    accepted_at: dt.datetime,
    amount: int,
    unit: Unit = "working_days",
    pauses: Iterable[Pause] = (),
    *,
    office_hours_end: dt.time = OFFICE_HOURS_END,
    now: dt.datetime | None = None,
) -> Due:
    """Compute the due date of a time limit of `amount` working or natural days.

    The rules, all on Asia/Shanghai dates:

    - Acceptance counts on `effective_day(accepted_at)`: the same working day
      before `office_hours_end` (17:30 by default), otherwise the next working day.
    - The acceptance day is not counted. Day 1 is the first working day after it,
      so a limit of 20 working days is due on the 20th working day after the
      acceptance day.
    - An amount of 0 (即办件) is due on the acceptance day itself.
    - Natural days (自然日) are counted on the calendar after the acceptance day.
      A due date that falls on a rest day moves to the next working day.
    - A pause runs from the effective day of its request to the effective day of
      its answer, with both days computed like the acceptance day. The paused days
      are those after the request day up to and including the answer day. Each
      paused working day (each paused calendar day for natural-day limits) pushes
      the due date by one. So a correction requested and answered on the same
      effective day costs nothing. One requested on Friday and answered during the
      weekend costs Monday. Overlapping pauses count once, and days before the
      acceptance day do not count.
    - An open pause (no `ended_at`) is counted up to `now`, which defaults to the
      current time, and the result has `open_pause` set.

    The result is provisional when any year from the acceptance day to the due
    date has no official schedule. Such years use the weekends-only rule. Raises
    ValueError for a negative amount, an unknown unit or a naive datetime.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    if amount < 0:
        raise ValueError(f"amount must be 0 or more, got {amount}")

    pauses = list(pauses)
    now = now or dt.datetime.now(dt.UTC)
    accepted_day = effective_day(calendar, accepted_at, office_hours_end)
    spans = _paused_spans(calendar, pauses, accepted_day, now, office_hours_end)

    if unit == "working_days":
        paused = sum(calendar.working_days_between(start, end) for start, end in spans)
        due = calendar.add_working_days(accepted_day, amount + paused)
    else:
        paused = sum((end - start).days for start, end in spans)
        due = accepted_day + dt.timedelta(days=amount + paused)
        due = calendar.workday_on_or_after(due)

    return Due(
        date=due,
        provisional=calendar.is_provisional(accepted_day, due),
        open_pause=any(pause.ended_at is None for pause in pauses),
    )


def remaining_working_days(
    calendar: WorkdayCalendar, due: dt.date, today: dt.date
) -> int:
    """Count the working days left after `today` up to and including `due`.

    The result is 0 on the due date. It is negative once the due date has passed:
    -1 from the day after the due date (a rest day too), then one less for each
    further working day.
    """
    if due >= today:
        return calendar.working_days_between(today, due)
    return min(-1, -calendar.working_days_between(due, today))


def warning_level(
    remaining: int, limit: int, ratio: float | Decimal = Decimal("0.2")
) -> WarningLevel:
    """Classify a case's remaining working days against its time limit.

    "red" once overdue (remaining below 0), "yellow" when at most `ratio` of the
    limit is left (the due date itself included), otherwise "ok".
    """
    if remaining < 0:
        return "red"
    if remaining <= Decimal(str(ratio)) * limit:
        return "yellow"
    return "ok"
