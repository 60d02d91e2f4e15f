"""Dates and times as pages, in-app notifications and the API show them.

Pages show a date as 2026-12-05 and a time as 2026-12-05 14:30 in Beijing time, in every
language, through DATE_FORMAT and DATETIME_FORMAT of onestop/formats. The JSON API
writes a date as 2026-12-05 and a time with `api_datetime`. Signed and hashed documents
keep the form they were signed in. Every date that a person types, in a form field or a
filter, is read by `parse_typed_date`.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

from onestop.core.full_width import fold_full_width

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")

# The dates a form's date field takes. Nothing a person applies for lies outside them,
# and 0001-01-01 or 9999-12-31 are typing slips that a date picker lets through.
EARLIEST_FORM_DATE = datetime.date(1900, 1, 1)
LATEST_FORM_DATE = datetime.date(2099, 12, 31)

# A typed date has the form YYYY-MM-DD, which every message about a typed date names.
_TYPED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class TypedDateInvalid(ValueError):
    """Text typed as a date that names no day.

    `not_a_day` is True when the text has the form YYYY-MM-DD but the calendar lacks
    the day (2026-02-30, 2026-13-01), so that a caller can tell that from a text of
    another form.
    """

    def __init__(self, text: str, *, not_a_day: bool) -> None:
        super().__init__(text)
        self.text = text
        self.not_a_day = not_a_day


def parse_typed_date(text: str) -> datetime.date:
    """Parse a date that a person typed as YYYY-MM-DD, such as 2026-12-05.

    Full-width digits and hyphens count as ASCII, and white space around the date is
    ignored. Other forms that ISO 8601 allows and `date.fromisoformat` reads since
    Python 3.11, such as 20261205 and the week date 2026-W49-6, are rejected. Years
    0001 to 9999 are read, so a caller that takes fewer years checks them itself.
    Raise TypedDateInvalid for empty text and for text that names no day.
    """
    ascii_text = fold_full_width(text).strip()
    if _TYPED_DATE.fullmatch(ascii_text) is None:
        raise TypedDateInvalid(text, not_a_day=False)
    try:
        return datetime.date.fromisoformat(ascii_text)
    except ValueError:
        raise TypedDateInvalid(text, not_a_day=True) from None


def api_datetime(value: datetime.datetime) -> str:
    """Format a datetime for the JSON API as RFC 3339 in TIME_ZONE, to the second.

    For example 2026-12-05T20:31:07+08:00: the offset is always written, never Z, and
    the fraction of a second is dropped. A value without a zone is taken as UTC.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    local = timezone.localtime(value, timezone.get_default_timezone())
    return local.isoformat(timespec="seconds")


def api_iso(value: datetime.date | datetime.datetime | None) -> str | None:
    """Format a date as 2026-12-05 and a datetime as `api_datetime` does, for the API.

    An empty value is returned as None.
    """
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return api_datetime(value)
    return value.isoformat()


def format_local_datetime(value: Any) -> str:
    """Format a datetime or ISO datetime string in Asia/Shanghai for a page.

    A value without a zone is taken as UTC, as stored. A value that is not a datetime is
    returned as text unchanged, and an empty value as "".
    """
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime.datetime):
        return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return date_format(value.astimezone(LOCAL_ZONE), "DATETIME_FORMAT")


def format_local_date(value: Any) -> str:
    """Format a date, a datetime or an ISO string as a page's date.

    A datetime, or a string with a time, is first taken to Asia/Shanghai (UTC when it has
    no zone). Other text is returned unchanged, and an empty value as "".
    """
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = _parse(value)
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        value = value.astimezone(LOCAL_ZONE).date()
    if not isinstance(value, datetime.date):
        return str(value)
    return date_format(value, "DATE_FORMAT")


def _parse(text: str) -> datetime.date:
    if len(text) == len("2026-12-05"):
        return datetime.date.fromisoformat(text)
    return datetime.datetime.fromisoformat(text)


def local_day_bounds(
    start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """Return the times from which and before which a period of local days runs.

    The period runs from midnight Beijing time at the start of `start` to midnight
    after `end`. A side is None when its date is None, or so far away (year 1 or
    9999) that the time is outside what a datetime holds: no record lies beyond
    it, so leaving that side open selects the same records.
    """

    def midnight(day: datetime.date, days_after: int) -> datetime.datetime | None:
        try:
            moment = datetime.datetime.combine(
                day + datetime.timedelta(days=days_after), datetime.time.min
            )
            return timezone.make_aware(moment, LOCAL_ZONE).astimezone(datetime.UTC)
        except OverflowError:
            return None

    return (
        midnight(start, 0) if start is not None else None,
        midnight(end, 1) if end is not None else None,
    )
