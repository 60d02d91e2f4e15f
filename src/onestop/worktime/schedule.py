"""Parse a year's published schedule from a CSV or JSON file.

CSV: a header line `date,kind,note`, then one day per line, with `kind` "holiday" or
"workday". Blank lines and lines whose first cell starts with # are skipped.

JSON: `{"year": 2027, "holidays": [...], "workdays": [...]}`, where each entry is a
"YYYY-MM-DD" string or an object `{"date": ..., "note": ...}`.

docs/operator-calendar.md describes both formats for operators.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from typing import Any, NoReturn

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from onestop.core.errors import (
    Coded,
    InvalidInput,
    lazy_text,
    list_text,
    named_code_point,
)
from onestop.core.ideographs import is_printable
from onestop.core.json_errors import json_problem
from onestop.worktime.engine import CalendarDay
from onestop.worktime.errors import (
    ConflictingDay,
    DateMissing,
    EmptySchedule,
    InvalidDate,
    InvalidKind,
    InvalidScheduleFile,
    NonexistentDate,
    NonexistentMonth,
    NoteCharacterInvalid,
    NoteTooLong,
    ScheduleInvalid,
    SeveralYears,
    UnknownDocumentKey,
    UnknownKey,
    WorkdayNotOnWeekend,
    YearMismatch,
)
from onestop.worktime.models import NOTE_MAX_LENGTH

MAX_FILE_BYTES = 1024 * 1024
SATURDAY = 5  # date.weekday() of Saturday; Sunday is 6
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KINDS = {"holiday": False, "休": False, "workday": True, "班": True}
DOCUMENT_KEYS = ("year", "holidays", "workdays")
ENTRY_KEYS = ("date", "note")
# Locations of one year that a calendar.several_years message lists before "and N more".
MAX_YEAR_LOCATIONS = 5


@dataclass(frozen=True)
class Schedule:
    """One year's checked days: one year, and no day both a holiday and a workday."""

    year: int
    days: tuple[CalendarDay, ...]

    @property
    def holiday_count(self) -> int:
        return sum(not day.is_workday for day in self.days)

    @property
    def workday_count(self) -> int:
        return sum(day.is_workday for day in self.days)


@dataclass(frozen=True)
class LineLocation:
    """A CSV line number, rendered in the language active when the message is shown."""

    line: int

    def __str__(self) -> str:
        return _("line %(line)s") % {"line": self.line}


@dataclass(frozen=True)
class _Entry:
    location: str | LineLocation
    date: dt.date
    is_workday: bool
    note: str


def parse_schedule(content: bytes, filename: str = "") -> Schedule:
    """Parse and check a schedule file.

    The file is read as JSON when its name ends in .json or its text starts with {,
    otherwise as CSV. Raises an `InvalidInput` subclass that names the line or entry
    and the value, or `ScheduleInvalid` with every problem when the days have several.
    """
    if len(content) > MAX_FILE_BYTES:
        raise InvalidScheduleFile(
            reason=Coded("too_large", gettext_lazy("the file is larger than 1 MiB"))
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidScheduleFile(
            reason=Coded("not_utf8", gettext_lazy("the file is not UTF-8 text"))
        ) from error

    errors: list[InvalidInput] = []
    if filename.lower().endswith(".json") or text.lstrip().startswith("{"):
        entries, declared_year = _json_entries(text, errors)
    else:
        entries, declared_year = _csv_entries(text, errors), None
    schedule = _check(entries, declared_year, errors)
    if errors:
        _raise_errors(errors)
    assert schedule is not None  # noqa: S101  (_check returns None only with errors)
    return schedule


def _raise_errors(errors: list[InvalidInput]) -> NoReturn:
    """Raise the one error of a file, or `ScheduleInvalid` listing several."""
    if len(errors) == 1:
        raise errors[0]
    raise ScheduleInvalid(errors)


def _parse_date(value: Any, location: str | LineLocation) -> dt.date:
    text = str(value).strip()
    if not _ISO_DATE.fullmatch(text):
        raise InvalidDate(location=location, value=text)
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise _nonexistent_date(text, location) from error


def _nonexistent_date(text: str, location: str | LineLocation) -> InvalidDate:
    """Build the error of a well-formed YYYY-MM-DD date that does not exist."""
    year, month = (int(part) for part in text.split("-")[:2])
    if not 1 <= month <= 12:
        return NonexistentMonth(location=location, value=text, month=month)
    days = calendar.monthrange(year, month)[1]
    return NonexistentDate(location=location, value=text, month=text[:7], days=days)


def _csv_entries(text: str, errors: list[InvalidInput]) -> list[_Entry]:
    reader = csv.DictReader(io.StringIO(text))
    columns = [name.strip() for name in reader.fieldnames or []]
    if "date" not in columns or "kind" not in columns:
        raise InvalidScheduleFile(
            reason=Coded(
                "csv_header",
                gettext_lazy("the first line must be the header date,kind,note"),
            )
        )
    reader.fieldnames = columns

    entries = []
    for row in reader:
        location = LineLocation(reader.line_num)
        first_cell = (row.get("date") or "").strip()
        if first_cell.startswith("#"):
            continue
        if not any(str(value or "").strip() for value in row.values()):
            continue
        kind = (row.get("kind") or "").strip()
        try:
            if kind.lower() not in _KINDS:
                raise InvalidKind(location=location, value=kind)
            day = _parse_date(row.get("date") or "", location)
        except InvalidInput as error:
            errors.append(error)
            continue
        note = (row.get("note") or "").strip()
        entries.append(_Entry(location, day, _KINDS[kind.lower()], note))
    return entries


def _json_entries(
    text: str, errors: list[InvalidInput]
) -> tuple[list[_Entry], int | None]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        problem = json_problem(error)
        reason = Coded(
            {"problem": "json_invalid", "json": problem.code},
            lazy_text(gettext_lazy("the JSON is invalid (%(error)s)"), error=problem),
        )
        raise InvalidScheduleFile(reason=reason) from error
    if not isinstance(document, dict):
        raise InvalidScheduleFile(
            reason=Coded(
                "json_not_object", gettext_lazy("the JSON document must be an object")
            )
        )

    for unknown in sorted(set(document) - set(DOCUMENT_KEYS)):
        errors.append(UnknownDocumentKey(key=unknown))

    entries = []
    for key, is_workday in (("holidays", False), ("workdays", True)):
        items = document.get(key, [])
        if not isinstance(items, list):
            reason = Coded(
                {"problem": "json_not_list", "key": key},
                lazy_text(gettext_lazy('"%(key)s" must be a list'), key=key),
            )
            raise InvalidScheduleFile(reason=reason)
        for index, item in enumerate(items):
            entry = _json_entry(f"{key}[{index}]", item, is_workday, errors)
            if entry is not None:
                entries.append(entry)

    declared = document.get("year")
    if declared is not None and not isinstance(declared, int):
        raise InvalidScheduleFile(
            reason=Coded(
                "year_not_number",
                gettext_lazy('"year" must be a number such as 2027'),
            )
        )
    return entries, declared


def _json_entry(
    location: str, item: Any, is_workday: bool, errors: list[InvalidInput]
) -> _Entry | None:
    """Read one JSON day entry, or add its problems to `errors` and return None.

    An object entry is checked for unknown keys and a missing "date" before its date,
    so that a misspelt key is reported as such and not as an empty date.
    """
    if not isinstance(item, dict):
        value, note = item, ""
    else:
        problems: list[InvalidInput] = [
            UnknownKey(location=location, key=key)
            for key in sorted(set(item) - set(ENTRY_KEYS))
        ]
        if "date" not in item:
            problems.append(DateMissing(location=location))
        if problems:
            errors.extend(problems)
            return None
        value, note = item["date"], str(item.get("note", "")).strip()
    try:
        day = _parse_date(value, location)
    except InvalidInput as error:
        errors.append(error)
        return None
    return _Entry(location, day, is_workday, note)


def _check(
    entries: list[_Entry], declared_year: int | None, errors: list[InvalidInput]
) -> Schedule | None:
    """Check the entries together, add each problem to `errors` and return the schedule.

    Returns None when no entry could be read.
    """
    if not entries:
        if not errors:
            errors.append(EmptySchedule())
        return None

    years = sorted({entry.date.year for entry in entries})
    if len(years) > 1:
        errors.append(
            SeveralYears(
                years=", ".join(str(year) for year in years),
                locations=_YearLocations(entries),
            )
        )
    if declared_year is not None and declared_year != years[0]:
        errors.append(YearMismatch(declared=declared_year, actual=years[0]))

    seen: dict[dt.date, _Entry] = {}
    for entry in entries:
        _check_note(entry, errors)
        _check_workday_on_weekend(entry, errors)
        earlier = seen.get(entry.date)
        if earlier is None:
            seen[entry.date] = entry
        elif earlier.is_workday != entry.is_workday:
            holiday, workday = sorted(
                (earlier, entry), key=lambda item: item.is_workday
            )
            errors.append(
                ConflictingDay(
                    date=entry.date.isoformat(),
                    holiday_location=holiday.location,
                    workday_location=workday.location,
                )
            )

    days = tuple(
        CalendarDay(entry.date, entry.is_workday, entry.note)
        for entry in sorted(seen.values(), key=lambda item: item.date)
    )
    return Schedule(year=years[0], days=days)


class _YearLocations:
    """The lines or entries of each year of a file, rendered in the active language.

    For example "2027: line 2, line 3; 2028: line 9", with at most MAX_YEAR_LOCATIONS
    locations a year followed by the count of the others.
    """

    def __init__(self, entries: list[_Entry]) -> None:
        self.by_year: dict[int, list[str | LineLocation]] = {}
        for entry in entries:
            self.by_year.setdefault(entry.date.year, []).append(entry.location)

    def __str__(self) -> str:
        groups = []
        for year, locations in sorted(self.by_year.items()):
            listed = list_text(
                str(location) for location in locations[:MAX_YEAR_LOCATIONS]
            )
            others = len(locations) - MAX_YEAR_LOCATIONS
            if others > 0:
                listed = ngettext(
                    "%(locations)s and %(count)s more",
                    "%(locations)s and %(count)s more",
                    others,
                ) % {"locations": listed, "count": others}
            groups.append(
                _("%(year)s: %(locations)s") % {"year": year, "locations": listed}
            )
        return pgettext("separator of groups of a list", "; ").join(groups)


def _check_note(entry: _Entry, errors: list[InvalidInput]) -> None:
    """Add an error for a note longer than the stored column or with a hidden character."""
    if len(entry.note) > NOTE_MAX_LENGTH:
        errors.append(
            NoteTooLong(
                location=entry.location, length=len(entry.note), max=NOTE_MAX_LENGTH
            )
        )
    hidden = next((c for c in entry.note if not is_printable(c)), None)
    if hidden is not None:
        errors.append(
            NoteCharacterInvalid(
                location=entry.location, character=named_code_point(hidden)
            )
        )


def _check_workday_on_weekend(entry: _Entry, errors: list[InvalidInput]) -> None:
    """Add an error for a make-up workday on Monday to Friday, a workday anyway.

    A holiday on a weekend is accepted, because the operator guide asks for every rest
    day of a holiday block, weekend days included.
    """
    if entry.is_workday and entry.date.weekday() < SATURDAY:
        errors.append(
            WorkdayNotOnWeekend(
                location=entry.location,
                date=entry.date.isoformat(),
                weekday=WEEKDAYS[entry.date.weekday()],
            )
        )
