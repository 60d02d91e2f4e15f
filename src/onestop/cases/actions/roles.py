"""Role names that actions record, and checks that an actor has the role it needs."""

from __future__ import annotations

from typing import Any

from onestop.cases.actions.transitions import _require_transition
from onestop.cases.errors import ApplicantNotRegistered, CorrectionByReviewerOnly
from onestop.cases.models import Case, CaseState
from onestop.core.models import Role
from onestop.core.permissions import find_role, require_role
from onestop.identity.models import Person

APPLICANT = "applicant"
SYSTEM = "system"
WINDOW_ROLES = (Role.CLERK,)
DEPARTMENT_ROLES = (Role.REVIEWER,)


def _person_of(actor: Any) -> Person:
    user_id = getattr(actor, "pk", None)
    person = None if user_id is None else Person.objects.filter(user_id=user_id).first()
    if person is None:
        raise ApplicantNotRegistered()
    return person


def _reviewer_role(actor: Any, case: Case) -> str:
    return require_role(
        actor, DEPARTMENT_ROLES, centre=case.centre, department=case.department
    ).role


def _decider_role(actor: Any, case: Case) -> str:
    """Return the decider's role: a reviewer of the department, or a clerk for a 即办件."""
    if case.matter_version.guide.is_immediate and find_role(
        actor, WINDOW_ROLES, centre=case.centre
    ):
        return Role.CLERK
    return _reviewer_role(actor, case)


def _staff_role_for_correction(actor: Any, case: Case) -> str:
    """Return the role that requests corrections in the case's state.

    The window requests them before acceptance and the department's reviewer during
    review. A clerk who is no reviewer of the department has the window's role, but the
    state leaves the request to the reviewer. So the clerk gets the state conflict
    (InvalidTransition, 409), as for every other transition, not a permission error.
    """
    if case.state == CaseState.SUBMITTED:
        return require_role(actor, WINDOW_ROLES, centre=case.centre).role
    reviewer = find_role(
        actor, DEPARTMENT_ROLES, centre=case.centre, department=case.department
    )
    if reviewer is None and find_role(actor, WINDOW_ROLES, centre=case.centre):
        _require_transition(case, "request_correction")
        raise CorrectionByReviewerOnly(
            state=CaseState(case.state), action="request_correction"
        )
    return _reviewer_role(actor, case)
