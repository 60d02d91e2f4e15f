"""Reads of the window's case list and case search, scoped to the clerk's centre.

The list contains the cases of the centre that the clerk created, accepted, decided or
moved on, and the cases that wait at the window: online submissions to accept and
results to hand over. A search finds one case by its number, or the cases of one
applicant by their resident ID number. Lists show applicants masked, and only opening
a case shows its full record, which `get_case_for` audits as `case.viewed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import Q, QuerySet

from onestop.cases.errors import CaseNotFound, CaseNumberMalformedInSearch
from onestop.cases.models import Case, CaseEvent, CaseState
from onestop.cases.presenters import case_summary
from onestop.cases.queries import (
    can_be_case_number,
    is_well_formed_case_number,
    normalise_case_number,
    visible_cases,
)
from onestop.core.audit import record_event
from onestop.core.models import Centre, Role
from onestop.core.paging import page_of, parse_page_number
from onestop.core.permissions import require_role
from onestop.identity.codes import LEGACY_ID_LENGTH, ResidentId, parse_resident_id
from onestop.identity.models import EnterpriseAgent, Person

# Cases that wait for a clerk: an online submission to accept, a result to hand over.
WAITING_AT_WINDOW = (CaseState.SUBMITTED, CaseState.RESULT_ISSUED)
CASES_PER_PAGE = 50
# An applicant rarely has more cases at one centre. A longer list is cut at this size.
MAX_APPLICANT_CASES = 200
# The lengths of a resident ID number. A case number has 17 or 23 characters.
ID_NUMBER_LENGTHS = (LEGACY_ID_LENGTH, 18)


@dataclass(frozen=True)
class ApplicantCases:
    """The cases of one applicant at one centre, newest first, with the applicant."""

    resident: ResidentId
    cases: list[dict[str, Any]]
    truncated: bool


def window_cases(user: Any, centre: Centre) -> QuerySet[Case]:
    """Return the centre's cases that the clerk handled or that wait at the window.

    Newest first. The role check comes first, so a clerk of another centre gets a
    permission error and no rows.
    """
    require_role(user, [Role.CLERK], centre=centre)
    handled_events = CaseEvent.objects.filter(centre=centre, actor=user).values(
        "case_id"
    )
    scope = (
        Q(created_by=user)
        | Q(accepted_by=user)
        | Q(decided_by=user)
        | Q(pk__in=handled_events)
        | Q(state__in=WAITING_AT_WINDOW)
    )
    return (
        visible_cases(user).filter(centre=centre).filter(scope).order_by("-created_at")
    )


def window_case_page(user: Any, centre: Centre, page: str | None) -> Page[Case]:
    """Return one page of `window_cases`, numbered by the query parameter `page`.

    Raise PageInvalid for a page that is not a whole number from 1, and PageNotFound
    for one past the last page. The role check comes before both.
    """
    cases = window_cases(user, centre)
    return page_of(cases, parse_page_number(page), CASES_PER_PAGE)


def looks_like_id_number(text: str) -> bool:
    """Return whether a search text has the length of a resident ID number."""
    return len("".join(text.split())) in ID_NUMBER_LENGTHS


def find_window_case(user: Any, centre: Centre, number: str) -> Case:
    """Return the centre's case with `number`, or raise CaseNotFound.

    A case of another centre is not found either, so a clerk cannot probe other
    centres' numbers. The caller opens the case page, which audits the view. Full-width
    digits, which Chinese input methods type, count as ASCII digits.
    """
    require_role(user, [Role.CLERK], centre=centre)
    wanted = normalise_case_number(number)
    case = None
    if can_be_case_number(wanted):
        case = visible_cases(user).filter(centre=centre, number=wanted).first()
    if case is None:
        if is_well_formed_case_number(wanted):
            raise CaseNotFound(number=number)
        raise CaseNumberMalformedInSearch(number=number)
    return case


def applicant_cases(user: Any, centre: Centre, id_number: str) -> ApplicantCases:
    """Return the cases at `centre` of the person with `id_number`, applicant masked.

    An invalid number raises its parse error. Each search is audited, because it shows
    which matters a person applied for. The audit event contains the person's id, never
    the number.
    """
    membership = require_role(user, [Role.CLERK], centre=centre)
    resident = parse_resident_id(id_number)
    found = list(
        visible_cases(user)
        .filter(centre=centre, person__id_number=resident.number)
        .order_by("-created_at")[: MAX_APPLICANT_CASES + 1]
    )
    person_id = (
        Person.objects.filter(id_number=resident.number)
        .values_list("pk", flat=True)
        .first()
    )
    # An unregistered number is audited too, with an empty object id.
    record_event(
        actor=user,
        actor_role=membership.role,
        verb="person.cases_searched",
        object_type="person",
        object_id=person_id or "",
        centre=centre,
        data={"count": min(len(found), MAX_APPLICANT_CASES)},
    )
    rows = [case_summary(case) for case in found[:MAX_APPLICANT_CASES]]
    return ApplicantCases(
        resident=resident,
        cases=mark_own_cases(user, rows, found),
        truncated=len(found) > MAX_APPLICANT_CASES,
    )


def mark_own_cases(
    user: Any, rows: list[dict[str, Any]], cases: list[Case]
) -> list[dict[str, Any]]:
    """Add `own` to each summary: True for a case the clerk may not handle (recusal).

    A clerk may not handle their own application or one of an enterprise they are an
    agent of (`cases.recusal`), so the list shows it before the case is opened.
    """
    enterprise_ids = set(
        EnterpriseAgent.objects.filter(person__user=user).values_list(
            "enterprise_id", flat=True
        )
    )
    for row, case in zip(rows, cases, strict=False):
        row["own"] = (
            case.person.user_id == user.pk or case.enterprise_id in enterprise_ids
        )
    return rows
