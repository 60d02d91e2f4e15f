"""Actions of the closed loop of bad ratings (差评整改), one function each.

A bad rating opens a rectification assigned to the department that handled the case (谁办理
谁负责), due within the policy's working days on the centre's work calendar. Reviewers and
department admins of that department call the applicant back, then close it as rectified
or explained, or appeal the rating as mistaken or malicious within the appeal deadline. A
supervisor of the centre decides the appeal. The applicant may rate the fix once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.core.audit import record_event
from onestop.core.errors import echoed
from onestop.core.logging import get_logger
from onestop.core.models import Role
from onestop.core.permissions import find_role, require_role
from onestop.ratings.errors import (
    AppealDeadlinePassed,
    CallbackRequired,
    FixNotRateable,
    InvalidAppealKind,
    InvalidLevel,
    InvalidOutcome,
    NoteRequired,
    RectificationAction,
    RectificationNotOpen,
    RectifyDatePast,
    RectifyDateRequired,
)
from onestop.ratings.models import (
    RESOLVED_OUTCOMES,
    AppealKind,
    Level,
    Outcome,
    Rating,
    Rectification,
    RectificationStatus,
)
from onestop.ratings.queries import check_rater, get_policy
from onestop.worktime.queries import compute_due

log = get_logger(__name__)

DEPARTMENT_WORKERS = (Role.REVIEWER, Role.DEPARTMENT_ADMIN)
# A bad rating of a visit without a case is the centre's own, so its staff work it.
CENTRE_WORKERS = (Role.CENTRE_ADMIN, Role.SUPERVISOR)
APPEAL_DECIDERS = (Role.SUPERVISOR,)
CLOSING_OUTCOMES = (Outcome.RECTIFIED, Outcome.RECTIFY_BY_DATE, Outcome.EXPLAINED)
MAX_NOTE_LENGTH = 2000


# --- opened and withdrawn with the rating ------------------------------------------------


def open_for(rating: Rating) -> Rectification:
    """Open (or reopen) the rectification of a bad rating in the caller's transaction."""
    policy = get_policy(rating.centre)
    due = compute_due(
        rating.centre.region_code,
        rating.updated_at,
        policy.rectification_working_days,
        "working_days",
    )
    fields = {
        "department": rating.department,
        "status": RectificationStatus.OPEN,
        "due_date": due.date,
        "due_provisional": due.provisional,
        "appeal_deadline": rating.updated_at + dt.timedelta(days=policy.appeal_days),
    }
    rectification, created = Rectification.objects.update_or_create(
        rating=rating,
        defaults=fields,
        create_defaults={**fields, "centre": rating.centre},
    )
    _audit(None, rectification, "rectification.opened", {"due_date": str(due.date)})
    log.info(
        "rectification.opened",
        rectification_id=rectification.pk,
        centre_id=rating.centre_id,
        department_id=rating.department_id,
        reopened=not created,
    )
    return rectification


def withdraw_for(rating: Rating) -> None:
    """Withdraw the open rectification of a rating that is no longer bad."""
    changed = Rectification.objects.filter(
        rating=rating,
        status__in=[RectificationStatus.OPEN, RectificationStatus.APPEALED],
    ).update(status=RectificationStatus.WITHDRAWN)
    if changed:
        log.info(
            "rectification.withdrawn", rating_id=rating.pk, centre_id=rating.centre_id
        )


# --- the department's work ---------------------------------------------------------------


def record_callback(
    *, actor: Any, rectification: Rectification, note: str
) -> Rectification:
    """Record the call-back to the applicant (回访): their feedback and what was agreed."""
    note = _required_note(note, _("the call-back"))
    with transaction.atomic():
        rectification = _lock(rectification)
        role = _worker_role(actor, rectification)
        _check_status(
            rectification, RectificationStatus.OPEN, RectificationAction.CALL_BACK
        )
        rectification.callback_at = timezone.now()
        rectification.callback_by = actor
        rectification.callback_note = note
        rectification.save(
            update_fields=["callback_at", "callback_by", "callback_note"]
        )
        _audit(actor, rectification, "rectification.called_back", {}, role=role)
    return rectification


def reveal_contact(*, actor: Any, rectification: Rectification) -> Any:
    """Return the rated applicant, whose name and phone the call-back (回访) needs.

    Only the staff who call back may, and only while the rectification is open. Each
    view is audited as rectification.contact_viewed, as every view of personal data is.
    """
    role = _worker_role(actor, rectification)
    _check_status(
        rectification, RectificationStatus.OPEN, RectificationAction.CALL_BACK
    )
    _audit(actor, rectification, "rectification.contact_viewed", {}, role=role)
    return rectification.rating.person


def _check_rectify_date(rectify_by: dt.date | None) -> None:
    if rectify_by is None:
        raise RectifyDateRequired()
    today = timezone.localdate()
    if rectify_by < today:
        raise RectifyDatePast(rectify_by=rectify_by.isoformat(), today=today)


def close_rectification(
    *,
    actor: Any,
    rectification: Rectification,
    outcome: str,
    note: str,
    rectify_by: dt.date | None = None,
) -> Rectification:
    """Close with an outcome: rectified now, to be rectified by a date, or explained.

    The call-back must be recorded first.
    """
    if outcome not in CLOSING_OUTCOMES:
        raise InvalidOutcome(
            outcome=echoed(outcome),
            allowed=list(CLOSING_OUTCOMES),
        )
    if outcome == Outcome.RECTIFY_BY_DATE:
        _check_rectify_date(rectify_by)
    note = _required_note(note, _("the outcome"))
    with transaction.atomic():
        rectification = _lock(rectification)
        role = _worker_role(actor, rectification)
        _check_status(
            rectification, RectificationStatus.OPEN, RectificationAction.CLOSE
        )
        if rectification.callback_at is None:
            raise CallbackRequired(rectification=rectification.pk)
        rectification.status = RectificationStatus.CLOSED
        rectification.outcome = outcome
        rectification.outcome_note = note
        rectification.rectify_by = (
            rectify_by if outcome == Outcome.RECTIFY_BY_DATE else None
        )
        rectification.closed_at = timezone.now()
        rectification.closed_by = actor
        rectification.save()
        _audit(
            actor,
            rectification,
            "rectification.closed",
            {"outcome": outcome},
            role=role,
        )
    log.info(
        "rectification.closed",
        rectification_id=rectification.pk,
        centre_id=rectification.centre_id,
        outcome=outcome,
    )
    return rectification


def appeal_rating(
    *, actor: Any, rectification: Rectification, kind: str, reason: str
) -> Rectification:
    """Appeal the bad rating as mistaken or malicious (申诉复核) before the appeal deadline."""
    if kind not in AppealKind.values:
        raise InvalidAppealKind(kind=echoed(kind), allowed=list(AppealKind))
    reason = _required_note(reason, _("the reason for the appeal"))
    with transaction.atomic():
        rectification = _lock(rectification)
        role = _worker_role(actor, rectification)
        _check_status(
            rectification, RectificationStatus.OPEN, RectificationAction.APPEAL
        )
        now = timezone.now()
        if now > rectification.appeal_deadline:
            raise AppealDeadlinePassed(
                rectification=rectification.pk,
                deadline=rectification.appeal_deadline,
            )
        rectification.status = RectificationStatus.APPEALED
        rectification.appeal_kind = kind
        rectification.appeal_reason = reason
        rectification.appealed_at = now
        rectification.save(
            update_fields=["status", "appeal_kind", "appeal_reason", "appealed_at"]
        )
        _audit(
            actor, rectification, "rectification.appealed", {"kind": kind}, role=role
        )
    return rectification


def decide_appeal(
    *, actor: Any, rectification: Rectification, upheld: bool, note: str
) -> Rectification:
    """Decide an appeal as a supervisor of the centre.

    Upheld, the rating no longer counts and the rectification closes. Rejected, the
    rectification is open again and the department must rectify or explain.
    """
    note = _required_note(note, _("the reason for the decision"))
    with transaction.atomic():
        rectification = _lock(rectification)
        require_role(actor, APPEAL_DECIDERS, centre=rectification.centre)
        _check_status(
            rectification, RectificationStatus.APPEALED, RectificationAction.DECIDE
        )
        now = timezone.now()
        rectification.appeal_upheld = upheld
        rectification.appeal_decided_at = now
        rectification.appeal_decided_by = actor
        rectification.appeal_decision_note = note
        if upheld:
            rectification.status = RectificationStatus.CLOSED
            rectification.outcome = Outcome.APPEAL_UPHELD
            rectification.closed_at = now
            rectification.closed_by = actor
            Rating.objects.filter(pk=rectification.rating_id).update(is_excluded=True)
        else:
            rectification.status = RectificationStatus.OPEN
        rectification.save()
        _audit(
            actor,
            rectification,
            "rectification.appeal_decided",
            {"upheld": upheld},
            role=Role.SUPERVISOR,
        )
    return rectification


def rate_fix(*, actor: Any, rectification: Rectification, level: int) -> Rectification:
    """Record the applicant's rating of how the bad rating was resolved, once."""
    if level not in Level.values:
        raise InvalidLevel(level=level)
    with transaction.atomic():
        rectification = _lock(rectification)
        check_rater(actor, rectification.rating)
        if rectification.outcome not in RESOLVED_OUTCOMES or rectification.fix_level:
            raise FixNotRateable(rectification=rectification.pk)
        rectification.fix_level = level
        rectification.fix_rated_at = timezone.now()
        rectification.save(update_fields=["fix_level", "fix_rated_at"])
        _audit(
            actor,
            rectification,
            "rectification.fix_rated",
            {"level": level},
            role="applicant",
        )
    return rectification


# --- shared steps ------------------------------------------------------------------------


def _worker_roles(rectification: Rectification) -> tuple[str, ...]:
    return CENTRE_WORKERS if rectification.department_id is None else DEPARTMENT_WORKERS


def can_work(actor: Any, rectification: Rectification) -> bool:
    """Return whether the actor may show the contact, call back, close or appeal."""
    membership = find_role(
        actor,
        _worker_roles(rectification),
        centre=rectification.centre,
        department=rectification.department,
    )
    return membership is not None


def _worker_role(actor: Any, rectification: Rectification) -> str:
    membership = require_role(
        actor,
        _worker_roles(rectification),
        centre=rectification.centre,
        department=rectification.department,
    )
    return membership.role


def _check_status(
    rectification: Rectification, expected: str, action: RectificationAction
) -> None:
    if rectification.status != expected:
        raise RectificationNotOpen(
            rectification=rectification.pk,
            status=RectificationStatus(rectification.status),
            action=action,
        )


def _required_note(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise NoteRequired(what=what)
    return text[:MAX_NOTE_LENGTH]


def _lock(rectification: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related(
            "centre", "department", "rating", "rating__person", "rating__case"
        )
        .get(pk=rectification.pk)
    )


def _audit(
    actor: Any,
    rectification: Rectification,
    verb: str,
    data: dict[str, Any],
    *,
    role: str = "system",
) -> None:
    record_event(
        actor=actor,
        actor_role=role,
        verb=verb,
        object_type="rectification",
        object_id=rectification.pk,
        centre=rectification.centre,
        data={**data, "rating": rectification.rating_id},
    )
