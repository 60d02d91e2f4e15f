"""Changes to the work calendar: seeding from chinesecalendar, loading a schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onestop.core.audit import record_event
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Role
from onestop.core.permissions import find_role
from onestop.worktime.engine import (
    CalendarDay,
    chinesecalendar_days,
    chinesecalendar_years,
)
from onestop.worktime.errors import CalendarPermissionDenied, YearAlreadyLoaded
from onestop.worktime.models import (
    NATIONAL,
    CalendarSource,
    WorkCalendarDay,
    WorkCalendarYear,
)
from onestop.worktime.queries import check_calendar_region, clear_calendar_cache
from onestop.worktime.schedule import Schedule

log = get_logger(__name__)

BATCH_SIZE = 500


@dataclass(frozen=True)
class SeedResult:
    """The years and days that `seed_calendar` added; both are empty on a second run."""

    years: list[int]
    days: int


@dataclass(frozen=True)
class ImportResult:
    """The counts that `load_schedule` stored for one region and year."""

    region_code: str
    year: int
    holidays: int
    workdays: int
    replaced: bool

    def message(self) -> str:
        """Return the operator message that describes what the import stored."""
        holidays = ngettext(
            "%(count)s holiday", "%(count)s holidays", self.holidays
        ) % {"count": self.holidays}
        workdays = ngettext(
            "%(count)s make-up workday", "%(count)s make-up workdays", self.workdays
        ) % {"count": self.workdays}
        if self.replaced:
            message = _("Replaced %(year)s (%(region)s): %(holidays)s, %(workdays)s.")
        else:
            message = _("Loaded %(year)s (%(region)s): %(holidays)s, %(workdays)s.")
        return message % {
            "year": self.year,
            "region": region_label(self.region_code),
            "holidays": holidays,
            "workdays": workdays,
        }


def region_label(region_code: str) -> str:
    """Return the region as messages name it: "nationwide" or "region 440604"."""
    if region_code == NATIONAL:
        return _("nationwide")
    return _("region %(code)s") % {"code": region_code}


def check_may_edit_calendar(actor: Any, region_code: str) -> str:
    """Return the actor's role for a calendar change, or raise a permission error.

    None is the system (provisioning, the `calendar` command). A platform admin or a
    superuser may change every calendar. A centre admin may change only the calendar of
    the centre's own region code.
    """
    if actor is None:
        return "system"
    if getattr(actor, "is_superuser", False):
        return "superuser"
    if find_role(actor, [Role.PLATFORM_ADMIN]) is not None:
        return Role.PLATFORM_ADMIN
    if region_code != NATIONAL:
        centres = Centre.objects.filter(region_code=region_code)
        for centre in centres:
            if find_role(actor, [Role.CENTRE_ADMIN], centre=centre) is not None:
                return Role.CENTRE_ADMIN
    raise CalendarPermissionDenied(region=region_label(region_code))


def _day_rows(region_code: str, days: Iterable[CalendarDay], source: str) -> list:
    now = timezone.now()
    return [
        WorkCalendarDay(
            region_code=region_code,
            date=day.date,
            is_workday=day.is_workday,
            note=day.note,
            source=source,
            updated_at=now,
        )
        for day in days
    ]


@transaction.atomic
def seed_calendar(
    *, actor: Any = None, years: Iterable[int] | None = None
) -> SeedResult:
    """Load the national schedules of `chinesecalendar` for the years not yet loaded.

    `years` defaults to every year the package covers (2004–2026 in chinesecalendar
    1.11.0). A year already loaded, from the package or from a file, is left as it
    is, so a second run adds nothing.
    """
    actor_role = check_may_edit_calendar(actor, NATIONAL)
    loaded = set(
        WorkCalendarYear.objects.filter(region_code=NATIONAL).values_list(
            "year", flat=True
        )
    )
    new_years = [year for year in chinesecalendar_years(years) if year not in loaded]
    if not new_years:
        return SeedResult(years=[], days=0)

    source = CalendarSource.CHINESECALENDAR
    rows = _day_rows(NATIONAL, chinesecalendar_days(new_years), source)
    WorkCalendarDay.objects.bulk_create(
        rows, batch_size=BATCH_SIZE, ignore_conflicts=True
    )
    WorkCalendarYear.objects.bulk_create(
        [
            WorkCalendarYear(region_code=NATIONAL, year=year, source=source)
            for year in new_years
        ],
        ignore_conflicts=True,
    )

    record_event(
        actor=actor,
        actor_role=actor_role,
        verb="worktime.calendar_seeded",
        object_type="work_calendar",
        object_id="national",
        data={"years": new_years, "days": len(rows)},
    )
    transaction.on_commit(clear_calendar_cache)
    log.info(
        "worktime.calendar_seeded", first_year=new_years[0], last_year=new_years[-1]
    )
    return SeedResult(years=new_years, days=len(rows))


@transaction.atomic
def load_schedule(
    schedule: Schedule,
    *,
    actor: Any,
    region_code: str = NATIONAL,
    replace: bool = False,
    source: str = CalendarSource.IMPORT,
) -> ImportResult:
    """Store a year's published schedule for a region, in one transaction.

    Raises `YearAlreadyLoaded` when the year is loaded for that region, unless `replace`
    is set. Replacing deletes every stored day of that region and year first, so the
    stored year matches the file exactly. On any error nothing is changed.
    """
    region_code = check_calendar_region(region_code)
    actor_role = check_may_edit_calendar(actor, region_code)
    existing = (
        WorkCalendarYear.objects.select_for_update()
        .filter(region_code=region_code, year=schedule.year)
        .first()
    )
    if existing is not None and not replace:
        raise YearAlreadyLoaded(
            year=schedule.year,
            region=region_label(region_code),
            source=existing.get_source_display(),
            loaded_at=existing.loaded_at,
        )

    WorkCalendarDay.objects.filter(
        region_code=region_code, date__year=schedule.year
    ).delete()
    rows = _day_rows(region_code, schedule.days, source)
    WorkCalendarDay.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    WorkCalendarYear.objects.update_or_create(
        region_code=region_code,
        year=schedule.year,
        defaults={"loaded_at": timezone.now(), "source": source},
    )

    result = ImportResult(
        region_code=region_code,
        year=schedule.year,
        holidays=schedule.holiday_count,
        workdays=schedule.workday_count,
        replaced=existing is not None,
    )
    record_event(
        actor=actor,
        actor_role=actor_role,
        verb="worktime.schedule_loaded",
        object_type="work_calendar_year",
        object_id=f"{region_code or 'national'}:{schedule.year}",
        data={
            "region_code": region_code,
            "year": schedule.year,
            "holidays": result.holidays,
            "workdays": result.workdays,
            "replaced": result.replaced,
            "source": source,
        },
    )
    transaction.on_commit(clear_calendar_cache)
    log.info(
        "worktime.schedule_loaded",
        region_code=region_code,
        year=schedule.year,
        replaced=result.replaced,
    )
    return result


@transaction.atomic
def set_calendar_day(
    day: dt.date,
    is_workday: bool,
    *,
    actor: Any,
    region_code: str = NATIONAL,
    note: str = "",
) -> WorkCalendarDay:
    """Set one day of a region's calendar, for example a local holiday.

    The day is stored with the source "admin" and replaces any stored day of that region
    and date. It does not mark its year as loaded.
    """
    region_code = check_calendar_region(region_code)
    actor_role = check_may_edit_calendar(actor, region_code)
    row, created = WorkCalendarDay.objects.update_or_create(
        region_code=region_code,
        date=day,
        defaults={
            "is_workday": is_workday,
            "note": note[:100],
            "source": CalendarSource.ADMIN,
            "updated_at": timezone.now(),
        },
    )

    record_event(
        actor=actor,
        actor_role=actor_role,
        verb="worktime.day_set",
        object_type="work_calendar_day",
        object_id=row.pk,
        data={
            "region_code": region_code,
            "date": day.isoformat(),
            "is_workday": is_workday,
            "created": created,
        },
    )
    transaction.on_commit(clear_calendar_cache)
    log.info("worktime.day_set", region_code=region_code, day_id=row.pk)
    return row
