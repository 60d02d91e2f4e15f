"""Rating statistics: 好评率, 差评率, 整改率 and 回访率, grouped and exported to .xlsx.

Good ratings are levels 3 to 5 (基本满意 and better) and bad ratings levels 1 and 2. The
rectification rate is the share of bad ratings whose rectification was closed as rectified,
to be rectified by a date, or explained. The call-back rate is the share of bad ratings
with a recorded call-back.
Ratings excluded by an upheld appeal count nowhere. Rates are percentages rounded half up
to one decimal, and None when there is nothing to divide by.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook

from onestop.core.dates import TypedDateInvalid, local_day_bounds, parse_typed_date
from onestop.core.errors import echoed, listed, listed_choices
from onestop.core.models import Centre
from onestop.core.spreadsheets import append_row
from onestop.ratings.errors import (
    InvalidCentreFilter,
    InvalidChannel,
    InvalidDimension,
    InvalidPeriod,
    PeriodDateNotADay,
    PeriodReversed,
)
from onestop.ratings.models import (
    BAD_LEVELS,
    RESOLVED_OUTCOMES,
    Rating,
    RatingChannel,
    RectificationStatus,
)

DIMENSIONS: dict[str, Any] = {
    "centre": gettext_lazy("service centre"),
    "department": gettext_lazy("department"),
    "window": gettext_lazy("window"),
    "clerk": gettext_lazy("clerk"),
    "matter": gettext_lazy("matter"),
    "month": gettext_lazy("month"),
}
PUBLIC_DIMENSIONS = ("centre", "department", "matter", "month")
# The errors of a filter value of the statistics page, the export and the API.
FILTER_ERRORS = (
    InvalidCentreFilter,
    InvalidChannel,
    InvalidDimension,
    InvalidPeriod,
    PeriodDateNotADay,
    PeriodReversed,
)
# The query parameters of the statistics page's filter form.
FILTER_NAMES = ("dimension", "start", "end", "channel", "centre")
_GROUP_FIELDS = {
    "centre": "centre__name",
    "department": "department__name",
    "window": "window_record__name",
    "clerk": "clerk__username",
    "matter": "matter__name",
}
_BAD = Q(level__in=list(BAD_LEVELS))
_RESOLVED = _BAD & Q(
    rectification__status=RectificationStatus.CLOSED,
    rectification__outcome__in=RESOLVED_OUTCOMES,
)
_CALLED_BACK = _BAD & Q(rectification__callback_at__isnull=False)


@dataclass
class Figures:
    """The counts and rates of one group of ratings."""

    label: str
    # The window's code, for statistics by window; None for the other dimensions.
    code: str | None = None
    total: int = 0
    good: int = 0
    bad: int = 0
    defaults: int = 0
    rectified: int = 0
    called_back: int = 0

    @property
    def good_rate(self) -> Decimal | None:
        return percentage(self.good, self.total)

    @property
    def bad_rate(self) -> Decimal | None:
        return percentage(self.bad, self.total)

    @property
    def rectification_rate(self) -> Decimal | None:
        return percentage(self.rectified, self.bad)

    @property
    def callback_rate(self) -> Decimal | None:
        return percentage(self.called_back, self.bad)


@dataclass
class Report:
    """Statistics grouped by one dimension, with the total over every group."""

    dimension: str
    rows: list[Figures] = field(default_factory=list)
    total: Figures = field(default_factory=lambda: Figures(label=""))


@dataclass(frozen=True)
class Period:
    """Local dates from `start` to `end`, both included. None leaves that side open."""

    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def parse(cls, start: str = "", end: str = "") -> Period:
        """Parse YYYY-MM-DD dates; raise InvalidPeriod, PeriodDateNotADay or
        PeriodReversed."""
        period = cls(_parse_date(start), _parse_date(end))
        if period.start and period.end and period.start > period.end:
            raise PeriodReversed(
                start=period.start.isoformat(), end=period.end.isoformat()
            )
        return period

    def filter(self, ratings: QuerySet[Rating]) -> QuerySet[Rating]:
        after, before = local_day_bounds(self.start, self.end)
        if after is not None:
            ratings = ratings.filter(created_at__gte=after)
        if before is not None:
            ratings = ratings.filter(created_at__lt=before)
        return ratings


def percentage(part: int, whole: int) -> Decimal | None:
    """Return part / whole as a percentage rounded half up to one decimal."""
    if not whole:
        return None
    value = Decimal(part * 100) / Decimal(whole)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def check_dimension(dimension: str, allowed: tuple[str, ...] | None = None) -> str:
    """Return the dimension if it is one of `allowed`, else raise InvalidDimension."""
    allowed = allowed or tuple(DIMENSIONS)
    if dimension not in allowed:
        raise InvalidDimension(
            value=echoed(dimension),
            allowed=listed_choices((key, DIMENSIONS[key]) for key in allowed),
        )
    return dimension


def check_channel(channel: str) -> str:
    """Return the channel filter if it is empty or a rating channel, else raise."""
    if channel and channel not in RatingChannel.values:
        raise InvalidChannel(
            channel=echoed(channel), allowed=listed_choices(RatingChannel.choices)
        )
    return channel


def narrow_to_centre(centres: QuerySet[Centre], slug: str) -> QuerySet[Centre]:
    """Return the centre `slug` among `centres`, or all of them when `slug` is empty.

    Raises InvalidCentreFilter naming the first 20 allowed slugs otherwise.
    """
    if not slug:
        return centres
    chosen = centres.filter(slug=slug)
    if not chosen.exists():
        allowed = centres.order_by("slug").values_list("slug", flat=True)[:20]
        raise InvalidCentreFilter(value=echoed(slug), allowed=listed(allowed))
    return chosen


def ratings_of(
    centres: QuerySet[Centre] | list[Centre],
    period: Period,
    *,
    department_id: int | None = None,
    channel: str = "",
) -> QuerySet[Rating]:
    """Return the counted ratings of the centres in the period, optionally narrowed."""
    ratings = Rating.objects.filter(centre__in=centres, is_excluded=False)
    ratings = period.filter(ratings)
    if department_id:
        ratings = ratings.filter(department_id=department_id)
    if channel:
        ratings = ratings.filter(channel=channel)
    return ratings


def build_report(ratings: QuerySet[Rating], dimension: str) -> Report:
    """Group `ratings` by `dimension` and count each group."""
    check_dimension(dimension)
    grouped: QuerySet[Any, Any]
    if dimension == "month":
        grouped = ratings.annotate(group=TruncMonth("created_at")).values("group")
    elif dimension == "window":
        # By window record, so a renamed window stays one group under its current
        # name, and two windows of one name stay apart.
        grouped = ratings.values(
            "window_record_id", code=F("window_record__code"), group=_field_of("window")
        )
    else:
        grouped = ratings.values(group=_field_of(dimension))
    order = ("code", "window_record_id") if dimension == "window" else ("group",)
    counted = grouped.annotate(**_counters()).order_by(*order)
    report = Report(dimension=dimension)
    for row in counted:
        figures = _figures(_label(row["group"]), row)
        if dimension == "window":
            figures.code = row["code"] or ""
        report.rows.append(figures)
    report.total = _figures(
        pgettext("statistics", "total"), ratings.aggregate(**_counters())
    )
    if dimension == "window":
        report.total.code = ""
    return report


def export_xlsx(report: Report, filters: list[tuple[str, str]]) -> bytes:
    """Return the report as an .xlsx workbook with the same figures as the page."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ratings")
    append_row(sheet, column_titles(report.dimension))
    for figures in [*report.rows, report.total]:
        append_row(sheet, figures_row(figures))
    info = workbook.create_sheet(_("Filters"))
    for name, value in filters:
        append_row(info, [name, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filter_rows(
    *, dimension: str, centre: str, channel: str, start: str, end: str
) -> list[tuple[str, str]]:
    """Return the filters as (label, value) rows in the reader's language.

    `centre` is the chosen centre's name, empty for all centres. The labels are those of
    the statistics page's form.
    """
    everything = _("all")
    return [
        (_("Group by"), str(DIMENSIONS[dimension])),
        (_("Service centre"), centre or everything),
        (
            _("Rating channel"),
            str(RatingChannel(channel).label) if channel else everything,
        ),
        (_("Rated from"), start),
        (_("Rated until"), end),
    ]


def column_titles(dimension: str) -> list[str]:
    """Return the column titles of a report: by window, the code comes first."""
    code = [_("window code")] if dimension == "window" else []
    return [
        *code,
        str(DIMENSIONS[dimension]),
        _("number of ratings"),
        _("good ratings"),
        _("bad ratings"),
        _("ratings recorded by default"),
        _("bad ratings rectified"),
        _("bad ratings called back"),
        _("good rate (%)"),
        _("bad rate (%)"),
        _("rectification rate (%)"),
        _("call-back rate (%)"),
    ]


def figures_row(figures: Figures) -> list[Any]:
    """Return one group's cells in the order of `column_titles`."""
    code = [figures.code] if figures.code is not None else []
    return [
        *code,
        figures.label,
        figures.total,
        figures.good,
        figures.bad,
        figures.defaults,
        figures.rectified,
        figures.called_back,
        figures.good_rate,
        figures.bad_rate,
        figures.rectification_rate,
        figures.callback_rate,
    ]


def _counters() -> dict[str, Count]:
    return {
        "total": Count("id"),
        "bad": Count("id", filter=_BAD),
        "defaults": Count("id", filter=Q(is_default=True)),
        "rectified": Count("id", filter=_RESOLVED),
        "called_back": Count("id", filter=_CALLED_BACK),
    }


def _figures(label: str, counts: Mapping[str, Any]) -> Figures:
    total = counts["total"] or 0
    bad = counts["bad"] or 0
    return Figures(
        label=label,
        total=total,
        good=total - bad,
        bad=bad,
        defaults=counts["defaults"] or 0,
        rectified=counts["rectified"] or 0,
        called_back=counts["called_back"] or 0,
    )


def _field_of(dimension: str) -> Any:
    return F(_GROUP_FIELDS[dimension])


def _label(value: Any) -> str:
    if value is None or value == "":
        return _("(none)")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m")
    return str(value)


def _parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_typed_date(text)
    except TypedDateInvalid as error:
        rejected = PeriodDateNotADay if error.not_a_day else InvalidPeriod
        raise rejected(value=echoed(text)) from None
