"""Errors of the work calendar, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onestop.core.errors import Conflict, InvalidInput, PermissionDenied


class InvalidScheduleFile(InvalidInput):
    code = "calendar.invalid_file"
    message = _(
        "The schedule file could not be read: %(reason)s. Upload a CSV file with the "
        "columns date,kind,note or a JSON file as described in the operator guide."
    )
    command_message = _(
        "The schedule file could not be read: %(reason)s. Give the FILE argument of "
        "`onestop calendar import` a CSV file with the columns date,kind,note or a "
        "JSON file as described in the operator guide."
    )


class InvalidDate(InvalidInput):
    code = "calendar.invalid_date"
    message = _(
        '%(location)s: "%(value)s" is not a date in the form YYYY-MM-DD. Write it as, '
        "for example, 2027-02-06."
    )


class DateMissing(InvalidInput):
    code = "calendar.date_missing"
    message = _(
        '%(location)s: the entry has no "date" key. Write it as, for example, '
        '{"date": "2027-02-06", "note": "春节"}.'
    )


class UnknownKey(InvalidInput):
    code = "calendar.unknown_key"
    message = _(
        '%(location)s: "%(key)s" is not a key of a day entry. An entry has the key '
        '"date" and may have "note". Correct or remove the key.'
    )


class UnknownDocumentKey(UnknownKey):
    message = _(
        'The JSON document has the key "%(key)s", which is not one of "year", '
        '"holidays" and "workdays". Correct or remove the key.'
    )


class NonexistentDate(InvalidDate):
    message = _(
        '%(location)s: "%(value)s" is in the form YYYY-MM-DD, but no such date exists '
        "(%(month)s has %(days)s days). Check the month and the day."
    )


class NonexistentMonth(InvalidDate):
    message = _(
        '%(location)s: "%(value)s" is in the form YYYY-MM-DD, but no such date exists '
        "(there is no month %(month)s). Check the month and the day."
    )


class InvalidKind(InvalidInput):
    code = "calendar.invalid_kind"
    message = _(
        '%(location)s: "%(value)s" is not a kind of day. Write "holiday" for a rest '
        'day or "workday" for a make-up workday.'
    )


class ConflictingDay(InvalidInput):
    code = "calendar.conflicting_day"
    message = _(
        "%(date)s is listed as a holiday (%(holiday_location)s) and as a workday "
        "(%(workday_location)s). Keep only the line that the published schedule states."
    )


class WorkdayNotOnWeekend(InvalidInput):
    code = "calendar.workday_not_on_weekend"
    message = _(
        "%(location)s: %(date)s is a %(weekday)s, which is a workday anyway. A "
        "make-up workday (调休上班) is a Saturday or a Sunday. Check the date, or "
        'write "holiday" if the day is a rest day.'
    )


class NoteTooLong(InvalidInput):
    code = "calendar.note_too_long"
    message = _(
        "%(location)s: the note has %(length)s characters, but a note may have at "
        "most %(max)s. Shorten it."
    )


class NoteCharacterInvalid(InvalidInput):
    code = "calendar.note_character_invalid"
    message = _(
        "%(location)s: the note contains %(character)s, a control or invisible "
        "character. Remove it, and write the note with visible characters only."
    )


class ScheduleInvalid(InvalidInput):
    code = "calendar.schedule_invalid"

    def __init__(self, errors: list[InvalidInput]) -> None:
        self.message = ngettext_lazy(
            "The schedule file has %(count)s error. Fix it and import the file "
            "again:\n%(errors)s",
            "The schedule file has %(count)s errors. Fix each of them and import the "
            "file again:\n%(errors)s",
            len(errors),
        )
        super().__init__(count=len(errors), errors=_ErrorList(errors))
        self.errors = errors


class _ErrorList:
    """The errors of a file, one line each, rendered in the language active then."""

    def __init__(self, errors: list[InvalidInput]) -> None:
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(f"{error.code}: {error.render()}" for error in self.errors)


class SeveralYears(InvalidInput):
    code = "calendar.several_years"
    message = _(
        "The file lists days of the years %(years)s, but one file may contain one year "
        "only. The days of each year are at %(locations)s. Split the file into one "
        "file per year, or correct the dates of the wrong year."
    )


class YearMismatch(InvalidInput):
    code = "calendar.year_mismatch"
    message = _(
        "The file declares the year %(declared)s, but its days fall in %(actual)s. "
        'Fix "year" or the dates.'
    )


class EmptySchedule(InvalidInput):
    code = "calendar.empty"
    message = _(
        "The file lists no days. Add the year's holidays and make-up workdays, one "
        "per line."
    )


class InvalidRegion(InvalidInput):
    code = "calendar.invalid_region"
    message = _(
        '"%(value)s" is not a region code. Give the six-digit GB/T 2260 code, for '
        "example 440604, or leave it empty for the national calendar."
    )


class YearAlreadyLoaded(Conflict):
    code = "calendar.year_loaded"
    message = _(
        "The %(year)s schedule (%(region)s) is already loaded (%(source)s, "
        "%(loaded_at)s). To overwrite it, import the file again with replace switched "
        "on: --replace on the command line, or the replace box in the admin."
    )


class CalendarPermissionDenied(PermissionDenied):
    code = "calendar.permission_denied"
    message = _(
        "Only a platform admin, or a centre admin of the region, may change this "
        "calendar (%(region)s). Ask your platform admin to load the schedule."
    )
