"""Recusal (回避): staff may not act on their own applications.

Staff are residents too, so a clerk or a reviewer may be the applicant of a case, or a
registered agent (经办人) of the enterprise that applied. Every staff action on such a
case raises OwnCase, and the rejection is written to the audit log after the action's
transaction has rolled back. Handing over the result (`deliver_result`) is not checked,
because an applicant may collect their own result. Recording or correcting its posting
is checked, because the posting record is the only evidence that it was sent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from onestop.cases.errors import (
    OwnApplicationAtWindow,
    OwnCase,
    OwnEnterpriseCase,
)
from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.core.audit import record_event
from onestop.core.logging import get_logger
from onestop.core.models import Centre
from onestop.identity.models import Enterprise, EnterpriseAgent, Person

log = get_logger(__name__)

REJECTED_VERB = "case.own_case_rejected"


@dataclass(frozen=True)
class Rejection:
    """The audit event's fields of a rejected action: its target, and the actor's role."""

    object_type: str
    object_id: str
    centre: Centre
    actor_role: str
    action: str


def own_case_error(user: Any, case: Case) -> OwnCase | None:
    """Return the error that explains why the user may not handle the case, or None.

    The user may not handle it when they are its applicant, or a registered agent of
    the enterprise it was filed for. The pages show the error's message in place of
    the action buttons.
    """
    return own_case_errors(user, [case]).get(case.pk)


def own_case_errors(user: Any, cases: Iterable[Case]) -> dict[int, OwnCase]:
    """Return the `own_case_error` of each case the user may not handle, by case id.

    Lists of cases show the reason in place of each such case's action buttons. One
    query finds the enterprises the user is an agent of, whatever the number of cases.
    """
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return {}
    cases = list(cases)
    enterprise_ids = {c.enterprise_id for c in cases if c.enterprise_id is not None}
    agent_of = _agent_enterprises(user_id, enterprise_ids) if enterprise_ids else set()
    errors: dict[int, OwnCase] = {}
    for case in cases:
        enterprise = case.enterprise
        if case.person.user_id == user_id:
            errors[case.pk] = OwnCase(number=case.number)
        elif enterprise is not None and enterprise.pk in agent_of:
            errors[case.pk] = OwnEnterpriseCase(
                number=case.number, enterprise=enterprise.name
            )
    return errors


def check_not_own_case(actor: Any, case: Case, *, role: str, action: str) -> None:
    """Raise OwnCase when the actor is the case's applicant or an agent of its
    enterprise. An action without an acting user (a department system) passes.
    """
    error = own_case_error(actor, case)
    if error is None:
        return
    error.details["action"] = action
    error.rejection = Rejection("case", case.number, case.centre, role, action)
    raise error


def check_not_own_application(
    actor: Any,
    *,
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    role: str,
) -> None:
    """Raise OwnApplicationAtWindow when a clerk accepts an application at the window
    for themselves, or for an enterprise they are an agent of.
    """
    own = person.user_id == actor.pk or (
        enterprise is not None and _is_agent(actor.pk, enterprise.pk)
    )
    if not own:
        return
    error = OwnApplicationAtWindow(matter=matter.name, matter_id=matter.pack_id)
    error.details["action"] = "accept"
    error.rejection = Rejection("matter", matter.pack_id, matter.centre, role, "accept")
    raise error


def audits_own_case_rejection[**Params, Result](
    action: Callable[Params, Result],
) -> Callable[Params, Result]:
    """Write an audit event for each OwnCase that the action raises, then re-raise it.

    The event is written after the action's own transaction has rolled back, so it is
    kept. NOTE: a caller that runs the action inside its own transaction and rolls
    that back loses the event too.
    """

    @functools.wraps(action)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        try:
            return action(*args, **kwargs)
        except OwnCase as error:
            _record_rejection(kwargs.get("actor"), error)
            raise

    return run


def _record_rejection(actor: Any, error: OwnCase) -> None:
    rejection: Rejection | None = error.rejection
    if rejection is None:
        return
    record_event(
        actor=actor,
        actor_role=rejection.actor_role,
        verb=REJECTED_VERB,
        object_type=rejection.object_type,
        object_id=rejection.object_id,
        centre=rejection.centre,
        data={"action": rejection.action, "code": error.code},
    )
    log.warning(
        REJECTED_VERB,
        centre_id=rejection.centre.pk,
        object_type=rejection.object_type,
        object_id=rejection.object_id,
        action=rejection.action,
        user_id=getattr(actor, "pk", None),
    )


def _is_agent(user_id: int, enterprise_id: int) -> bool:
    return bool(_agent_enterprises(user_id, {enterprise_id}))


def _agent_enterprises(user_id: int, enterprise_ids: set[int]) -> set[int]:
    """Return the ids among `enterprise_ids` of the enterprises the user is an agent of.

    Any claim counts, pending and rejected ones too: staff who claimed to act for an
    enterprise stand aside from its cases whether or not a window verified it.
    """
    return set(
        EnterpriseAgent.objects.filter(
            enterprise_id__in=enterprise_ids, person__user_id=user_id
        ).values_list("enterprise_id", flat=True)
    )
