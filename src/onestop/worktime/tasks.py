"""Background checks of the work calendar."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from onestop.core.logging import get_logger
from onestop.worktime.models import NATIONAL
from onestop.worktime.queries import missing_years

log = get_logger(__name__)


def alert_missing_years(
    region_code: str = NATIONAL, upto: dt.date | None = None
) -> list[int]:
    """Log one warning per year up to `upto` whose official schedule is not loaded.

    `upto` defaults to 31 December of next year, so the warning starts on 1 January
    of the year before a missing year. The task only reads, so running it twice is safe.
    """
    today = timezone.localdate()
    upto = upto or dt.date(today.year + 1, 12, 31)
    years = missing_years(region_code, upto)
    for year in years:
        log.warning(
            "worktime.calendar_year_missing", region_code=region_code, year=year
        )
    return years
