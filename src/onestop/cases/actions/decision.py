"""The department's review and decision, and handing the result over to the applicant."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from onestop.cases import documents, notices, reasons, results
from onestop.cases.actions.roles import (
    APPLICANT,
    SYSTEM,
    WINDOW_ROLES,
    _decider_role,
    _reviewer_role,
)
from onestop.cases.actions.transitions import _lock, _notify, _reload, _transition
from onestop.cases.applicants import acts_as_applicant, check_acts_as_applicant
from onestop.cases.errors import OpinionRequired, OpinionTooLong, ReasonAction
from onestop.cases.models import Case, CaseDocument, CaseState
from onestop.cases.recusal import audits_own_case_rejection, check_not_own_case
from onestop.core.logging import get_logger
from onestop.core.models import Role
from onestop.core.permissions import (
    RoleRequired,
    find_role,
    require_authenticated,
)

log = get_logger(__name__)


def deliver_result(*, actor: Any, case: Case) -> Case:
    """Hand the result over (at the window, or downloaded online by the applicant): closed."""
    with transaction.atomic():
        case = _lock(case)
        role = _deliverer_role(actor, case)
        _transition(case, actor=actor, actor_role=role, action="deliver_result")
        Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    return _reload(case)


def _deliverer_role(actor: Any, case: Case) -> str:
    """Return APPLICANT for whoever acts as the applicant of the case, else the role of
    the clerk who hands the result over at the window.

    Anyone else gets the agency error of `applicant_error` when they are a pending or
    revoked agent of the case's enterprise, and RoleRequired otherwise.
    """
    clerk = find_role(actor, WINDOW_ROLES, centre=case.centre)
    if clerk is not None and not acts_as_applicant(actor, case):
        return clerk.role
    require_authenticated(actor)
    check_acts_as_applicant(
        actor, case, RoleRequired(role=list(WINDOW_ROLES), centre=case.centre.name)
    )
    return APPLICANT


@audits_own_case_rejection
def start_review(*, actor: Any | None, case: Case) -> Case:
    """Move an accepted case into the department's review; the worklist connector calls it."""
    with transaction.atomic():
        case = _lock(case)
        if case.state != CaseState.ACCEPTED:
            return case
        if actor is None:
            role = SYSTEM
        else:
            role = _reviewer_role(actor, case)
            check_not_own_case(actor, case, role=role, action="start_review")
        _transition(case, actor=actor, actor_role=role, action="start_review")
    return _reload(case)


@audits_own_case_rejection
def approve_case(
    *, actor: Any, case: Case, opinion: str, result: dict[str, Any] | None = None
) -> Case:
    """Approve with an opinion, then issue the result document in the same transaction."""
    return _decide(
        actor=actor, case=case, opinion=opinion, action="approve", result=result
    )


@audits_own_case_rejection
def deny_case(*, actor: Any, case: Case, opinion: str) -> Case:
    """Deny with the reason, then issue the decision of denial in the same transaction."""
    return _decide(actor=actor, case=case, opinion=opinion, action="deny", result=None)


def _decide(
    *, actor: Any, case: Case, opinion: str, action: str, result: dict[str, Any] | None
) -> Case:
    with transaction.atomic():
        case = _lock(case)
        role = _decider_role(actor, case)
        opinion = _clean_opinion(opinion, action=action)
        _record_decision(
            case, actor=actor, role=role, action=action, opinion=opinion, result=result
        )
    log.info("case.decided", case_id=case.pk, centre_id=case.centre_id, decision=action)
    return _reload(case)


def _clean_opinion(opinion: str, *, action: str) -> str:
    """Return the opinion trimmed, or raise unless it has 1 to reasons.MAX_LENGTH
    characters.

    The opinion is written on the result document, for an approval as for a denial.
    """
    return reasons.clean_reason(
        opinion,
        missing=OpinionRequired(action=ReasonAction(action)),
        too_long=OpinionTooLong,
    )


def apply_department_result(
    *, case: Case, decision: str, opinion: str, result: dict[str, Any] | None = None
) -> Case:
    """Apply a result that a department's own system returned through a connector.

    The opinion is recorded as a reviewer's is. A denial requires one, and an approval
    may come without it.
    """
    action = "approve" if decision == "approved" else "deny"
    if action == "deny":
        opinion = _clean_opinion(opinion, action=action)
    else:
        opinion = reasons.clean_reason(opinion, missing=None, too_long=OpinionTooLong)
    with transaction.atomic():
        case = _lock(case)
        if case.state == CaseState.ACCEPTED:
            _transition(case, actor=None, actor_role=SYSTEM, action="start_review")
        _record_decision(
            case,
            actor=None,
            role=Role.REVIEWER,
            action=action,
            opinion=opinion,
            result=result,
        )
    log.info("case.decided", case_id=case.pk, centre_id=case.centre_id, decision=action)
    return _reload(case)


def _record_decision(
    case: Case,
    *,
    actor: Any | None,
    role: str,
    action: str,
    opinion: str,
    result: dict[str, Any] | None,
) -> None:
    """Record the decision, issue the result document and notify the applicant.

    A department system's result has no acting user. A result with one is rejected
    when that user applied for the case (`check_not_own_case`).
    """
    if actor is not None:
        check_not_own_case(actor, case, role=role, action=action)
    now = timezone.now()
    case.opinion = opinion.strip()
    case.decided_at = now
    case.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    case.save(update_fields=["opinion", "decided_at", "decided_by"])
    _transition(case, actor=actor, actor_role=role, action=action, reason=opinion)

    decision = dict(result or {})
    # The members of `result` come first, so that none of them replaces the decision,
    # the opinion or the result's name.
    data = {
        **{k: v for k, v in decision.items() if k not in ("face", "holder_code")},
        "decision": "approved" if action == "approve" else "denied",
        "opinion": case.opinion,
        "result_name": case.matter_version.guide.result.get("name", ""),
    }
    if action == "approve":
        certificate = results.issue_result_certificate(case, decision)
        if certificate is not None:
            data["certificate"] = certificate.identifier
    documents.create_document(case, CaseDocument.Kind.RESULT, data)
    _transition(case, actor=None, actor_role=SYSTEM, action="issue_result")
    Case.objects.filter(pk=case.pk).update(result_issued_at=now)
    _notify(case, notices.RESULT_READY)
