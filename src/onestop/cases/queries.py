"""Reads of cases, always scoped by centre and by the caller's role.

An applicant sees their own cases and the cases of the enterprises they are a verified agent
of; a clerk, supervisor or centre
admin sees the cases of their centre; a reviewer or department admin sees only their
department's cases; a platform admin sees every centre. Opening a full case record is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from onestop.cases.applicants import acts_as_applicant, check_acts_as_applicant
from onestop.cases.errors import (
    CaseNotFound,
    CaseNumberMalformed,
    MatterNotFound,
    MatterSwitchedOff,
)
from onestop.cases.models import (
    CASE_NUMBER_DIGITS,
    CASE_NUMBER_MAX_LENGTH,
    OPEN_STATES,
    Case,
    CaseState,
)
from onestop.catalog.models import Matter
from onestop.catalog.queries import with_frozen_definition
from onestop.core import rows
from onestop.core.audit import record_event
from onestop.core.errors import echoed
from onestop.core.full_width import fold_full_width
from onestop.core.models import Centre, Role
from onestop.core.permissions import staff_roles
from onestop.identity.models import AgencyStatus, Enterprise

# Bounds of a matter search: the characters of the query read, and the words matched.
MAX_SEARCH_LENGTH = 100
MAX_SEARCH_WORDS = 5

CENTRE_WIDE_ROLES = {Role.CLERK, Role.SUPERVISOR, Role.CENTRE_ADMIN}
DEPARTMENT_ROLES = {Role.REVIEWER, Role.DEPARTMENT_ADMIN}


def visible_cases(user: Any) -> QuerySet[Case]:
    """Return every case the user may see, with nothing of other centres or departments."""
    cases = Case.objects.select_related(
        "centre", "matter", "matter_version", "department", "person", "enterprise"
    )
    if not user.is_authenticated:
        return cases.none()
    staff = staff_scope(user)
    if staff is None:
        return cases.all()
    # A subquery, not a join, so that each case appears once without DISTINCT (which would
    # also collapse value lists such as the states of the cases).
    return cases.filter(_applicant_scope(user) | staff)


def staff_scope(user: Any, *, department_field: str = "department") -> Q | None:
    """Return the filter of the records that the user's staff roles may read, or None
    when a platform admin role lets them read every record.

    This is the staff rule of cases: a clerk, supervisor or centre admin reads the
    records of their centre, and a reviewer or department admin those of their
    department. Records are matched on their `centre` field and on `department_field`,
    so that other records of a case, such as the certificate that a department issued
    for it, follow the same rule. The filter matches nothing without a staff role.
    """
    scope = Q(pk__in=[])
    for membership in staff_roles(user):
        if membership.role == Role.PLATFORM_ADMIN:
            return None
        if membership.role in CENTRE_WIDE_ROLES:
            scope |= Q(centre_id=membership.centre_id)
        elif membership.role in DEPARTMENT_ROLES and membership.department_id:
            scope |= Q(
                centre_id=membership.centre_id,
                **{f"{department_field}_id": membership.department_id},
            )
    return scope


def _applicant_scope(user: Any) -> Q:
    """Match the user's own cases and the cases of the enterprises they are a verified
    agent of.

    A case filed for an enterprise matches only through a verified agency, so an agent
    whose agency was revoked no longer sees the cases they filed for it.
    """
    return Q(person__user=user, enterprise__isnull=True) | Q(
        enterprise__in=_enterprises_of(user)
    )


def _enterprises_of(user: Any) -> QuerySet[Enterprise, int]:
    return Enterprise.objects.filter(
        agencies__person__user=user, agencies__status=AgencyStatus.VERIFIED
    ).values_list("pk", flat=True)


def normalise_case_number(text: str) -> str:
    """Return a case number from a URL, a query or a search box as cases store it.

    Full-width digits, which Chinese input methods type, count as ASCII digits, and
    white space anywhere is dropped, because people type a long number in groups.
    """
    return "".join(fold_full_width(text).split())


def can_be_case_number(text: str) -> bool:
    """Return whether a case may have the number `text`, so that it is worth looking up.

    A text longer than the number field names no case, and is not cut to that length,
    because a cut text could match another case. No case number has an invisible
    character, and PostgreSQL cannot compare text with U+0000 at all.
    """
    return len(text) <= CASE_NUMBER_MAX_LENGTH and text.isprintable()


def is_well_formed_case_number(text: str) -> bool:
    """Return whether a normalised text has the form of a case number: 17 ASCII digits,
    the region code, the date (YYMMDD) and a 5-digit daily sequence."""
    return len(text) == CASE_NUMBER_DIGITS and text.isascii() and text.isdigit()


def case_not_found(number: str) -> CaseNotFound:
    """Return the not-found error for `number` as sent: one that gives the rule of case
    numbers when the text cannot be one, so the choice depends on the text alone."""
    if is_well_formed_case_number(normalise_case_number(number)):
        return CaseNotFound(number=number)
    return CaseNumberMalformed(number=number)


def get_case_for(user: Any, number: str, *, audit: bool = True) -> Case:
    """Return the case with `number` if the user may see it, else raise CaseNotFound.

    A case of another centre or department is reported as not found, so that numbers of other
    people's cases cannot be probed. The filer of an enterprise's case who is no longer
    its verified agent gets the agency error that says why instead (AgencyRevoked, or
    AgencyNotVerified after claiming it again), because they know the number already.
    """
    wanted = normalise_case_number(number)
    case = (
        visible_cases(user).filter(number=wanted).first()
        if can_be_case_number(wanted)
        else None
    )
    if case is None:
        not_found = case_not_found(number)
        if can_be_case_number(wanted):
            _check_former_filer(user, wanted, not_found)
        raise not_found
    if audit:
        record_event(
            actor=user,
            actor_role=role_of(user, case),
            verb="case.viewed",
            object_type="case",
            object_id=case.number,
            centre=case.centre,
        )
    return case


def role_of(user: Any, case: Case) -> str:
    """Return the role under which the user sees the case."""
    if acts_as_applicant(user, case):
        return "applicant"
    return staff_role_for(user, case.centre_id, case.department_id) or "applicant"


def staff_role_for(user: Any, centre_id: int, department_id: int | None) -> str | None:
    """Return the user's staff role that lets them read a record of the centre and
    department under the rule of `staff_scope`, or None if no role does."""
    for membership in staff_roles(user):
        if membership.role == Role.PLATFORM_ADMIN:
            return membership.role
        if membership.centre_id == centre_id and (
            membership.role in CENTRE_WIDE_ROLES
            or membership.department_id == department_id
        ):
            return membership.role
    return None


def _check_former_filer(user: Any, number: str, not_found: CaseNotFound) -> None:
    """Raise the agency error of a user who filed the enterprise's case `number` and no
    longer acts for the enterprise, or `not_found` after a rejected claim."""
    if not user.is_authenticated:
        return
    filed = (
        Case.objects.filter(number=number, person__user=user, enterprise__isnull=False)
        .select_related("person", "enterprise")
        .first()
    )
    if filed is not None:
        check_acts_as_applicant(user, filed, not_found)


def my_cases(user: Any) -> QuerySet[Case]:
    return visible_cases(user).filter(_applicant_scope(user)).order_by("-created_at")


def window_queue(user: Any, centre: Centre) -> QuerySet[Case]:
    """Online submissions waiting at the comprehensive window of the centre."""
    return (
        visible_cases(user)
        .filter(centre=centre, state=CaseState.SUBMITTED)
        .order_by("submitted_at")
    )


def department_queue(user: Any) -> QuerySet[Case]:
    """Cases waiting for a decision in the departments where the user is a reviewer."""
    departments = [
        m.department_id
        for m in staff_roles(user)
        if m.role == Role.REVIEWER and m.department_id
    ]
    return (
        visible_cases(user)
        .filter(
            department_id__in=departments,
            state__in=[CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED],
        )
        .order_by("promised_due", "accepted_at")
    )


def open_matters(centre: Centre, text: str = "") -> QuerySet[Matter]:
    """Matters of the centre that are switched on, optionally matching `text`.

    A matter matches when its search text contains each of the first MAX_SEARCH_WORDS
    words of `text`. Matches rank by name: a name equal to the words, then a name that
    starts with them, then a name containing each word, then the rest.
    """
    matters = (
        Matter.objects.for_centre(centre)
        .filter(is_active=True)
        .select_related("department")
    )
    words = text[:MAX_SEARCH_LENGTH].split()[:MAX_SEARCH_WORDS]
    if not words:
        return matters.order_by("guide_only", "department__name", "name")
    for word in words:
        matters = matters.filter(search_text__icontains=word)
    phrase = " ".join(words)
    name_contains_words = Q()
    for word in words:
        name_contains_words &= Q(name__icontains=word)
    rank = models.Case(
        models.When(name__iexact=phrase, then=models.Value(0)),
        models.When(name__istartswith=phrase, then=models.Value(1)),
        models.When(name_contains_words, then=models.Value(2)),
        default=models.Value(3),
    )
    return matters.annotate(name_rank=rank).order_by(
        "name_rank", "guide_only", "department__name", "name"
    )


def get_matter(centre: Centre, pack_id: str) -> Matter:
    """Return the centre's open matter with this pack id, its department and version.

    The version's definition comes from the process cache of frozen versions, and the
    matter's own copy of its pack definition is left to load on first use. Raises
    MatterSwitchedOff for a matter that is switched off and MatterNotFound for an id
    the centre does not have.
    """
    matter = rows.fetch_one(
        Matter,
        {"centre_id": centre.pk, "pack_id": pack_id, "is_active": True},
        related={"department": (), "current_version": ("definition",)},
        defer=("pack_definition", "search_text"),
    )
    if matter is None:
        _raise_matter_missing(centre, pack_id)
    Matter.centre.field.set_cached_value(matter, centre)
    if matter.current_version is not None:
        with_frozen_definition(matter.current_version)
    return matter


def _raise_matter_missing(centre: Centre, pack_id: str) -> NoReturn:
    """Raise MatterSwitchedOff when the centre has the matter but switched it off, and
    MatterNotFound when it has no matter with this id."""
    name = (
        Matter.objects.for_centre(centre)
        .filter(pack_id=pack_id[:120], is_active=False)
        .values_list("name", flat=True)
        .first()
    )
    if name is not None:
        raise MatterSwitchedOff(matter=echoed(pack_id), name=name, centre=centre.name)
    raise MatterNotFound(matter=echoed(pack_id), centre=centre.name)


# A page warns before a second application for the same matter within this period.
RECENT_APPLICATION_PERIOD = dt.timedelta(hours=24)


def recent_open_application(
    person: Any, matter: Matter, enterprise: Enterprise | None
) -> Case | None:
    """Return the applicant's newest open case of the matter, for the same enterprise or
    for themself, created within RECENT_APPLICATION_PERIOD, if there is one.

    The portal and the kiosk warn with it, because a Back button after a submission
    shows the filled-in form again, and a second press of Submit would file a duplicate.
    """
    if person is None:
        return None
    return (
        Case.objects.filter(
            person=person,
            matter=matter,
            enterprise=enterprise,
            state__in=OPEN_STATES,
            created_at__gte=timezone.now() - RECENT_APPLICATION_PERIOD,
        )
        .order_by("-created_at")
        .first()
    )
