"""Steps that every action takes: lock the case, move it to its next state with the
CaseEvent and ledger entry, notify the applicant, end pauses and recompute deadlines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone

from onestop.cases import deadlines, documents
from onestop.cases.applicants import applicant_user_ids
from onestop.cases.models import Case, CaseEvent, CaseState, Submission
from onestop.cases.workflow import TRANSITIONS, Transition
from onestop.core.bulk import insert_instances
from onestop.core.errors import Coded, InvalidTransition
from onestop.core.ledger.actions import queue_entry
from onestop.core.notifications import notify
from onestop.worktime.engine import Due


def _transition(
    case: Case,
    *,
    actor: Any | None,
    actor_role: str,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    target: str | None = None,
    materials: list[Submission] | None = None,
) -> CaseEvent:
    """Move a stored case to the action's state, with its CaseEvent and ledger entry.

    `materials` are the case's current submissions, when the caller has them already.
    """
    previous = _move(case, action, target)
    Case.objects.filter(pk=case.pk).update(state=case.state, revision=F("revision") + 1)
    return _record_event(
        case,
        actor=actor,
        actor_role=actor_role,
        action=action,
        previous=previous,
        reason=reason,
        data=data,
        materials=materials,
    )


def _move(case: Case, action: str, target: str | None = None) -> str:
    """Set the case's new state in memory and return the old one.

    Raise InvalidTransition when the action is not possible from the current state.
    """
    transition = _require_transition(case, action)
    previous = case.state
    case.state = target or transition.target
    return previous


def _require_transition(case: Case, action: str) -> Transition:
    """Return the action's transition, or raise InvalidTransition from the case's state."""
    transition = TRANSITIONS[action]
    if case.state not in transition.sources:
        raise InvalidTransition(
            state=CaseState(case.state), action=Coded(action, transition.label)
        )
    return transition


def _record_event(
    case: Case,
    *,
    actor: Any | None,
    actor_role: str,
    action: str,
    previous: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    materials: list[Submission] | None = None,
) -> CaseEvent:
    """Write the CaseEvent of a transition and queue its ledger entry, in this transaction.

    The ledger entry is queued in the same transaction as the event, so that no event
    exists without its entry.
    """
    event = CaseEvent(
        centre=case.centre,
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=actor_role,
        action=action,
        from_state=previous,
        to_state=case.state,
        reason=reason[:2000],
        data=data or {},
    )
    insert_instances([event])
    queue_entry(
        "case.transition",
        {
            "case_number": case.number,
            "centre": case.centre.region_code,
            "matter": case.matter.pack_id,
            "matter_version": case.matter_version.number,
            "action": action,
            "from_state": previous,
            "to_state": case.state,
            "actor_role": actor_role,
            "at": event.at.isoformat(),
            "snapshot_sha256": documents.case_snapshot_digest(case, materials),
        },
        centre=case.centre,
    )
    return event


def _recompute_deadlines(case: Case) -> None:
    if case.accepted_at is None:
        return
    _set_deadlines(case, *deadlines.compute_case_deadlines(case))
    Case.objects.filter(pk=case.pk).update(
        promised_due=case.promised_due,
        statutory_due=case.statutory_due,
        deadline_provisional=case.deadline_provisional,
    )


def _set_deadlines(case: Case, promised: Due, statutory: Due) -> None:
    case.promised_due = promised.date
    case.statutory_due = statutory.date
    case.deadline_provisional = promised.provisional or statutory.provisional


def _end_pauses(case: Case, kind: str | None) -> None:
    pauses = case.pauses.filter(ended_at__isnull=True)
    if kind:
        pauses = pauses.filter(kind=kind)
    pauses.update(ended_at=timezone.now())


def _notify(
    case: Case, message_id: str, *, at: datetime | None = None, **params: Any
) -> None:
    """Write each user who acts as the applicant an in-app message of `notices`, with
    the case number as `number`.

    On an enterprise's case, these are its verified agents now (`applicant_user_ids`),
    so a revoked filer gets nothing and every other agent gets one message each. `at`
    is when the event happened, when the message is written later (see `notify`).
    """
    for user_id in applicant_user_ids(case):
        notify(
            centre=case.centre,
            user_id=user_id,
            message_id=message_id,
            link=f"/portal/cases/{case.number}/",
            at=at,
            number=case.number,
            **params,
        )


def _lock(case: Case) -> Case:
    # Only the case row is locked: FOR UPDATE without OF would also lock the joined
    # centre, matter and department rows, which every case of the centre shares.
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("centre", "matter", "matter_version", "department", "person")
        .get(pk=case.pk)
    )


def _reload(case: Case) -> Case:
    return Case.objects.select_related(
        "centre", "matter", "matter_version", "department", "person"
    ).get(pk=case.pk)
