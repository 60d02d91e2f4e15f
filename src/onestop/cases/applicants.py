"""Who may act as the applicant of a case, and who gets its notifications.

A person's own case (no enterprise) has one applicant: the person who filed it. An
enterprise's case belongs to the enterprise, so every person who is a verified agent
(经办人) of the enterprise when the request arrives acts as its applicant, whoever filed
it. They withdraw it, answer a correction request, collect the result and rate the
case. A pending, rejected or revoked agent does not, the filer included. The filer
stays on the case as `Case.person`, and the case event or audit event of each action
records the acting user.
"""

from __future__ import annotations

from typing import Any

from onestop.cases.models import Case
from onestop.core.errors import OneStopError, PermissionDenied
from onestop.identity.agency import agency_error, verified_agent_user_ids
from onestop.identity.models import EnterpriseAgent


def applicant_error(
    user: Any, case: Case, not_applicant: OneStopError
) -> OneStopError | None:
    """Return None when the user may act as the applicant of the case now, else the
    error that explains why not.

    On an enterprise's case, a pending agent gets AgencyNotVerified and a revoked one
    AgencyRevoked. Anyone else gets `not_applicant`, the caller's own error.
    """
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return not_applicant
    if case.enterprise_id is None:
        return None if case.person.user_id == user_id else not_applicant
    agency = (
        EnterpriseAgent.objects.filter(
            enterprise_id=case.enterprise_id, person__user_id=user_id
        )
        .select_related("enterprise")
        .first()
    )
    return agency_error(agency, not_applicant)


def check_acts_as_applicant(
    actor: Any, case: Case, not_applicant: OneStopError
) -> None:
    """Raise the `applicant_error` of the actor on the case, if there is one."""
    error = applicant_error(actor, case, not_applicant)
    if error is not None:
        raise error


def acts_as_applicant(user: Any, case: Case) -> bool:
    """Return whether the user may act as the applicant of the case now."""
    return applicant_error(user, case, PermissionDenied()) is None


def applicant_user_ids(case: Case) -> list[int]:
    """Return the users who act as the applicant of the case now, each once.

    These are the person of a person's own case, or the verified agents of the
    enterprise of an enterprise's case. The second list is empty when the enterprise
    has no verified agent left.
    """
    if case.enterprise_id is None:
        return [case.person.user_id]
    return verified_agent_user_ids(case.enterprise_id)
