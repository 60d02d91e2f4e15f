"""The dashboard's filters: centre, department, matter and the period cases were filed in.

Each filter offers only what the supervisor may see, and a value outside that list is an
error that names it, so a mistyped or stale link never shows unfiltered figures as if
they were filtered.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.core.dates import TypedDateInvalid, local_day_bounds, parse_typed_date
from onestop.core.errors import InvalidInput, echoed
from onestop.core.models import Centre, Department, Role
from onestop.core.permissions import staff_roles

SUPERVISING_ROLES = {Role.SUPERVISOR, Role.CENTRE_ADMIN, Role.PLATFORM_ADMIN}
# The query parameters of the dashboard's filter form.
FILTER_NAMES = ("centre", "department", "matter", "start", "end")


class FilterRejected(InvalidInput):
    """A filter value of the dashboard's query string that the dashboard rejects."""


class FilterInvalid(FilterRejected):
    code = "supervise.filter_invalid"
    message = _(
        "%(value)s is not a %(filter)s you supervise. Choose one from the list of the "
        "dashboard's filters."
    )


class DateInvalid(FilterRejected):
    code = "supervise.date_invalid"
    message = _("%(value)s is not a date. Use the form YYYY-MM-DD, such as 2026-12-01.")


class DateNotADay(FilterRejected):
    code = "supervise.date_not_a_day"
    message = _(
        "%(value)s has the form YYYY-MM-DD, but the calendar has no such day. Give a "
        "day that exists."
    )


class PeriodReversed(FilterRejected):
    code = "supervise.period_reversed"
    message = _(
        "The period starts on %(start)s, after its end on %(end)s. Give a start date on "
        "or before the end date."
    )


@dataclass(frozen=True)
class Option:
    """One choice of a filter's select box: the value in the query string and its label."""

    value: str
    label: str


@dataclass(frozen=True)
class Choices:
    """The centres, departments and matters that a supervisor may filter by.

    A department is chosen by its role key and a matter by its pack id, the identifiers
    of the catalogue pack. The same key names the same department or matter in every
    centre, so a supervisor of several centres filters all of them at once.
    """

    centres: QuerySet[Centre]
    departments: QuerySet[Department]
    matters: QuerySet[Matter]

    def department_options(self) -> list[Option]:
        return _options(self.departments, "role_key")

    def matter_options(self) -> list[Option]:
        return _options(self.matters, "pack_id")


@dataclass(frozen=True)
class Filters:
    """The chosen filters. None or an empty code leaves a filter open."""

    centre: Centre | None = None
    department: str = ""
    matter: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        """Narrow `cases` to the chosen centre, department, matter and filing period."""
        if self.centre is not None:
            cases = cases.filter(centre=self.centre)
        if self.department:
            cases = cases.filter(department__role_key=self.department)
        if self.matter:
            cases = cases.filter(matter__pack_id=self.matter)
        after, before = local_day_bounds(self.start, self.end)
        if after is not None:
            cases = cases.filter(created_at__gte=after)
        if before is not None:
            cases = cases.filter(created_at__lt=before)
        return cases

    def as_query(self) -> dict[str, Any]:
        """Return the filters as the values of the dashboard's filter form."""
        return {
            "centre": self.centre.slug if self.centre else "",
            "department": self.department,
            "matter": self.matter,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
        }


def supervised_centres(user: Any) -> QuerySet[Centre]:
    """Return the centres the user supervises; a platform admin supervises all."""
    roles = staff_roles(user)
    if any(m.role == Role.PLATFORM_ADMIN for m in roles):
        return Centre.objects.all()
    ids = [m.centre_id for m in roles if m.role in SUPERVISING_ROLES and m.centre_id]
    return Centre.objects.filter(pk__in=ids)


def choices_for(user: Any) -> Choices:
    centres = supervised_centres(user).order_by("name")
    return Choices(
        centres=centres,
        departments=Department.objects.filter(centre__in=centres).order_by(
            "centre__name", "name"
        ),
        matters=Matter.objects.filter(centre__in=centres).order_by(
            "centre__name", "name"
        ),
    )


def parse_filters(request: HttpRequest, choices: Choices) -> Filters:
    """Read the filters from the query string; raise for a value outside `choices`."""
    query = request.GET
    start = _date(query.get("start", ""))
    end = _date(query.get("end", ""))
    if start and end and start > end:
        raise PeriodReversed(start=start.isoformat(), end=end.isoformat())
    return Filters(
        centre=_chosen(choices.centres, "slug", query.get("centre", ""), _("centre")),
        department=_chosen_code(
            choices.departments,
            "role_key",
            query.get("department", ""),
            _("department"),
        ),
        matter=_chosen_code(
            choices.matters, "pack_id", query.get("matter", ""), _("matter")
        ),
        start=start,
        end=end,
    )


def _chosen(options: QuerySet[Any], field: str, value: str, name: Any) -> Any:
    if not value:
        return None
    found = options.filter(**{field: value}).first()
    if found is None:
        raise FilterInvalid(value=echoed(value), filter=name)
    return found


def _chosen_code(options: QuerySet[Any], field: str, value: str, name: Any) -> str:
    """Return `value`, or raise FilterInvalid when none of `options` has it as `field`."""
    _chosen(options, field, value, name)
    return value


def _options(rows: QuerySet[Any], field: str) -> list[Option]:
    """Return one option per distinct `field` of `rows`, in the order of `rows`.

    The label is the row's name, or the distinct names joined with " / " when centres
    name the same department or matter differently. A label that several options share,
    such as the name of two local matters, ends with the option's code in brackets, so
    that each label is unique.
    """
    names: dict[str, list[str]] = {}
    for code, name in rows.values_list(field, "name"):
        labels = names.setdefault(code, [])
        if name not in labels:
            labels.append(name)
    joined = {code: " / ".join(labels) for code, labels in names.items()}
    counts = Counter(joined.values())
    return [
        Option(code, f"{label} ({code})" if counts[label] > 1 else label)
        for code, label in joined.items()
    ]


def sent_filters(request: HttpRequest) -> dict[str, str]:
    """Return the filter values of the query string as sent, for the filter form that
    shows a rejected value next to its error."""
    return {name: request.GET.get(name, "") for name in FILTER_NAMES}


def _date(value: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return parse_typed_date(value)
    except TypedDateInvalid as error:
        rejected = DateNotADay if error.not_a_day else DateInvalid
        raise rejected(value=echoed(value)) from None
