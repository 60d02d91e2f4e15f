"""The clock of a case: special procedures (特别程序) and extensions (延期).

A special procedure suspends a case under review and stops its clock until the
reviewer ends it. An extension adds working days to both due dates once a supervisor
of the centre approves it. Each action runs in one transaction, writes a CaseEvent
and an audit event, and recomputes the case's deadlines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onestop.cases import actions, reasons
from onestop.cases.errors import ReasonAction, ReasonRequired, ReasonTooLong
from onestop.cases.extension_limits import extension_allowance, working_days_text
from onestop.cases.models import Case, CaseEvent, CaseExtension, CasePause, CaseState
from onestop.cases.queries import visible_cases
from onestop.cases.recusal import audits_own_case_rejection, check_not_own_case
from onestop.core.audit import record_event
from onestop.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    OneStopError,
    echoed,
    listed_choices,
)
from onestop.core.logging import get_logger
from onestop.core.models import Role
from onestop.core.notifications import NotificationMessage, register_message
from onestop.core.permissions import require_role

log = get_logger(__name__)

# The special procedures of 行政许可法 article 45, whose time does not count towards the
# time limit. The keys are stored in CasePause.procedure.
SPECIAL_PROCEDURES: dict[str, Any] = {
    "hearing": _("hearing (听证)"),
    "tender": _("tender (招标)"),
    "auction": _("auction (拍卖)"),
    "inspection": _("inspection (检验)"),
    "testing": _("testing (检测)"),
    "quarantine": _("quarantine (检疫)"),
    "appraisal": _("appraisal (鉴定)"),
    "expert_review": _("expert review (专家评审)"),
}

# The applicant's notifications when the dates move.
SUSPENDED = register_message(
    "case.suspended",
    NotificationMessage(
        _("Your application %(number)s is suspended for a special procedure"),
        _(
            "Procedure: %(procedure)s. Its time does not count towards the time "
            "limit, so the dates move when it ends. Promised date so far: "
            "%(promised)s. Statutory date so far: %(statutory)s."
        ),
        dates=("promised", "statutory"),
        labels={"procedure": SPECIAL_PROCEDURES},
    ),
)
RESUMED = register_message(
    "case.resumed",
    NotificationMessage(
        _("The review of your application %(number)s has resumed"),
        _("Promised date: %(promised)s. Statutory date: %(statutory)s."),
        dates=("promised", "statutory"),
    ),
)
EXTENDED = register_message(
    "case.extended",
    NotificationMessage(
        ngettext_lazy(
            "The time limit of your application %(number)s is extended by "
            "%(working_days)s working day",
            "The time limit of your application %(number)s is extended by "
            "%(working_days)s working days",
            "working_days",
        ),
        _(
            "Promised date: %(promised)s. Statutory date: %(statutory)s. "
            "Reason: %(reason)s"
        ),
        dates=("promised", "statutory"),
    ),
)

EXTENDABLE_STATES = {CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED}
SUPERVISOR_ROLES = (Role.SUPERVISOR,)


class UnknownProcedure(InvalidInput):
    code = "case.unknown_procedure"
    message = _("%(procedure)s is not a special procedure. Use one of: %(choices)s.")


class NoOpenSpecialProcedure(Conflict):
    code = "case.no_open_special_procedure"
    message = _(
        "The case %(number)s has no special procedure running. Reload the case to see "
        "its current state."
    )


class PauseEndsBeforeStart(InvalidInput):
    code = "case.pause_ends_before_start"
    message = _(
        "The special procedure started at %(started_at)s, so it cannot end at "
        "%(ended_at)s. Give an end time at or after the start."
    )


class PauseEndsInFuture(InvalidInput):
    code = "case.pause_ends_in_future"
    message = _(
        "The end time %(ended_at)s is in the future. End the special procedure when it "
        "has ended, or leave the end time empty for now."
    )


class WorkingDaysError(OneStopError):
    """An error whose message shows each detail in `counts` as working days, with the
    unit in the number's singular or plural form, while the details keep the numbers."""

    counts: tuple[str, ...] = ()

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        for name in self.counts:
            if isinstance(self.details.get(name), int):
                values[name] = working_days_text(self.details[name])
        return values


class InvalidExtensionDays(WorkingDaysError, InvalidInput):
    code = "case.invalid_extension_days"
    counts = ("working_days", "maximum")
    message = _(
        "An extension of %(working_days)s is not allowed for the case %(number)s. "
        "%(limit)s Request from 1 to %(maximum)s."
    )


class ExtensionOverLimit(WorkingDaysError, InvalidInput):
    code = "case.extension_over_limit"
    counts = ("working_days", "maximum", "used", "left")
    message = _(
        "%(limit)s Extensions of %(used)s of the case %(number)s are approved or "
        "waiting for a decision, which leaves %(left)s. Request at most %(left)s "
        "instead of %(working_days)s."
    )


class ExtensionDaysUsedUp(WorkingDaysError, Conflict):
    code = "case.extension_days_used_up"
    counts = ("maximum", "used")
    message = _(
        "The case %(number)s has no extension days left, because extensions of "
        "%(used)s are approved or waiting for a decision. %(limit)s"
    )


class ExtensionApprovalOverLimit(WorkingDaysError, Conflict):
    code = "case.extension_approval_over_limit"
    counts = ("working_days", "approved", "maximum", "left")
    message = _(
        "The extension request %(extension)s adds %(working_days)s, but extensions of "
        "%(approved)s of the case %(number)s are approved already, which leaves "
        "%(left)s. %(limit)s Reject this request instead."
    )


class CaseNotExtendable(Conflict):
    code = "case.not_extendable"
    message = _(
        "The case %(number)s is %(state)s, so its time limit cannot be extended. "
        "Only an accepted case that is not yet decided can be extended."
    )


class ExtensionAlreadyPending(Conflict):
    code = "case.extension_already_pending"
    message = _(
        "The case %(number)s already has an extension request waiting for a decision. "
        "Wait for the supervisor's decision before you request another."
    )


class ExtensionNotPending(Conflict):
    code = "case.extension_not_pending"
    message = _(
        "The extension request %(extension)s is %(status)s already, so it cannot be "
        "decided again. Reload the page to see the decision."
    )


class ExtensionNotFound(NotFound):
    code = "case.extension_not_found"
    message = _(
        "No extension request %(extension)s was found among the cases you may see."
    )


# --- special procedures ---------------------------------------------------------------


@audits_own_case_rejection
def start_special_procedure(
    *, actor: Any, case: Case, procedure: str, reason: str
) -> Case:
    """Suspend a case under review for a special procedure, which stops its clock."""
    with transaction.atomic():
        case = actions._lock(case)
        role = actions._reviewer_role(actor, case)
        check_not_own_case(actor, case, role=role, action="suspend")
        if procedure not in SPECIAL_PROCEDURES:
            raise UnknownProcedure(
                procedure=echoed(procedure),
                choices=listed_choices(SPECIAL_PROCEDURES.items()),
            )
        reason = _clean_reason(reason, ReasonAction.SUSPEND)
        data = {"procedure": procedure}
        actions._transition(
            case,
            actor=actor,
            actor_role=role,
            action="suspend",
            reason=reason,
            data=data,
        )
        pause = CasePause.objects.create(
            centre=case.centre,
            case=case,
            kind=CasePause.Kind.SPECIAL_PROCEDURE,
            procedure=procedure,
            reason=reason,
            started_at=timezone.now(),
        )
        actions._recompute_deadlines(case)
        _notify_suspended(case, procedure)
        _audit(
            actor,
            role,
            "case.special_procedure_started",
            case,
            pause_id=pause.pk,
            **data,
        )

    log.info("case.special_procedure_started", case_id=case.pk, pause_id=pause.pk)
    return actions._reload(case)


@audits_own_case_rejection
def end_special_procedure(
    *, actor: Any, case: Case, reason: str, ended_at: dt.datetime | None = None
) -> Case:
    """End the running special procedure and resume the review, so the clock runs again.

    `ended_at` defaults to now. It must lie between the procedure's start and now.
    """
    with transaction.atomic():
        case = actions._lock(case)
        role = actions._reviewer_role(actor, case)
        check_not_own_case(actor, case, role=role, action="resume")
        reason = _clean_reason(reason, ReasonAction.RESUME)
        pause = _open_special_procedure(case)
        ended_at = _check_pause_end(pause, ended_at or timezone.now())
        actions._transition(
            case,
            actor=actor,
            actor_role=role,
            action="resume",
            reason=reason,
            data={"procedure": pause.procedure, "ended_at": ended_at.isoformat()},
        )
        pause.ended_at = ended_at
        pause.save(update_fields=["ended_at"])
        actions._recompute_deadlines(case)
        _notify_resumed(case)
        _audit(actor, role, "case.special_procedure_ended", case, pause_id=pause.pk)

    log.info("case.special_procedure_ended", case_id=case.pk, pause_id=pause.pk)
    return actions._reload(case)


def _open_special_procedure(case: Case) -> CasePause:
    pause = (
        case.pauses.filter(kind=CasePause.Kind.SPECIAL_PROCEDURE, ended_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    if pause is None:
        raise NoOpenSpecialProcedure(number=case.number)
    return pause


def _check_pause_end(pause: CasePause, ended_at: dt.datetime) -> dt.datetime:
    if timezone.is_naive(ended_at):
        ended_at = timezone.make_aware(ended_at)
    if ended_at < pause.started_at:
        raise PauseEndsBeforeStart(started_at=pause.started_at, ended_at=ended_at)
    if ended_at > timezone.now():
        raise PauseEndsInFuture(ended_at=ended_at)
    return ended_at


# --- extensions -----------------------------------------------------------------------


@audits_own_case_rejection
def request_extension(
    *, actor: Any, case: Case, working_days: int, reason: str
) -> CaseExtension:
    """Ask a supervisor to extend the time limit. No date moves before approval."""
    with transaction.atomic():
        case = actions._lock(case)
        role = actions._reviewer_role(actor, case)
        check_not_own_case(actor, case, role=role, action="request_extension")
        reason = _clean_reason(reason, ReasonAction.REQUEST_EXTENSION)
        _check_extendable(case)
        if case.extensions.filter(status=CaseExtension.Status.REQUESTED).exists():
            raise ExtensionAlreadyPending(number=case.number)
        _check_extension_days(case, working_days)

        extension = CaseExtension.objects.create(
            centre=case.centre,
            case=case,
            working_days=working_days,
            reason=reason,
            requested_by=actor,
        )
        data = {"extension_id": extension.pk, "working_days": working_days}
        _record_case_event(
            case,
            actor=actor,
            actor_role=role,
            action="request_extension",
            reason=reason,
            data=data,
        )
        _audit(actor, role, "case.extension_requested", case, **data)

    log.info("case.extension_requested", case_id=case.pk, extension_id=extension.pk)
    return extension


@audits_own_case_rejection
def approve_extension(
    *, actor: Any, extension: CaseExtension, note: str = ""
) -> CaseExtension:
    """Approve an extension request: both due dates move by its working days."""
    with transaction.atomic():
        extension, case, role = _lock_for_decision(
            actor, extension, action="approve_extension"
        )
        note = _clean_reason(note, ReasonAction.APPROVE_EXTENSION, required=False)
        _check_extendable(case)
        _check_approval_within_limit(case, extension)
        _decide(extension, actor=actor, status=CaseExtension.Status.APPROVED, note=note)
        _record_case_event(
            case,
            actor=actor,
            actor_role=role,
            action="approve_extension",
            reason=note,
            data={"extension_id": extension.pk, "working_days": extension.working_days},
        )
        actions._recompute_deadlines(case)
        _notify_extended(case, extension)
        _audit(actor, role, "case.extension_approved", case, extension_id=extension.pk)

    log.info("case.extension_approved", case_id=case.pk, extension_id=extension.pk)
    return extension


@audits_own_case_rejection
def reject_extension(
    *, actor: Any, extension: CaseExtension, note: str
) -> CaseExtension:
    """Reject an extension request with the reason; the due dates stay as they are."""
    with transaction.atomic():
        extension, case, role = _lock_for_decision(
            actor, extension, action="reject_extension"
        )
        note = _clean_reason(note, ReasonAction.REJECT_EXTENSION)
        _decide(extension, actor=actor, status=CaseExtension.Status.REJECTED, note=note)
        _record_case_event(
            case,
            actor=actor,
            actor_role=role,
            action="reject_extension",
            reason=note,
            data={"extension_id": extension.pk},
        )
        _audit(actor, role, "case.extension_rejected", case, extension_id=extension.pk)

    log.info("case.extension_rejected", case_id=case.pk, extension_id=extension.pk)
    return extension


def _check_extendable(case: Case) -> None:
    if case.state not in EXTENDABLE_STATES or case.accepted_at is None:
        raise CaseNotExtendable(number=case.number, state=CaseState(case.state))


def extension_days_used(case: Case) -> int:
    """Return the working days of the case's approved and undecided extensions."""
    return _sum_extension_days(
        case, CaseExtension.Status.APPROVED, CaseExtension.Status.REQUESTED
    )


def _sum_extension_days(case: Case, *statuses: str) -> int:
    found = case.extensions.filter(status__in=statuses)
    return int(found.aggregate(days=Sum("working_days"))["days"] or 0)


def extension_limits(case: Case) -> dict[str, Any]:
    """Return the case's extension limits as error details.

    They are `number`, `maximum` (the allowance in working days), `limit` (the
    allowance, see `ExtensionAllowance.as_detail`), `used` (approved and pending days)
    and `left`.
    """
    allowance = extension_allowance(case)
    used = extension_days_used(case)
    return {
        "number": case.number,
        "maximum": allowance.working_days,
        "limit": allowance.as_detail(),
        "used": used,
        "left": max(allowance.working_days - used, 0),
    }


def check_extension_days_left(case: Case) -> dict[str, Any]:
    """Return the case's `extension_limits`, or raise when no extension days are left."""
    limits = extension_limits(case)
    if limits["left"] == 0:
        raise ExtensionDaysUsedUp(**limits)
    return limits


def _check_extension_days(case: Case, working_days: int) -> None:
    """Check a new request against the matter's maximum less the days already used."""
    limits = check_extension_days_left(case)
    used, left = limits["used"], limits["left"]
    if used and working_days > left:
        raise ExtensionOverLimit(working_days=working_days, **limits)
    if not 1 <= working_days <= left:
        raise InvalidExtensionDays(
            working_days=working_days,
            maximum=left,
            number=case.number,
            limit=limits["limit"],
        )


def _check_approval_within_limit(case: Case, extension: CaseExtension) -> None:
    """Check that the approved extensions with this one stay within the matter's maximum.

    Each request was checked when it was made, but the maximum is checked again here,
    because requests that were pending together may exceed it once all are approved,
    and a natural-day maximum is recounted when a pause moves the statutory due date.
    """
    allowance = extension_allowance(case)
    maximum = allowance.working_days
    approved_days = _sum_extension_days(case, CaseExtension.Status.APPROVED)
    if approved_days + extension.working_days > maximum:
        raise ExtensionApprovalOverLimit(
            extension=extension.pk,
            number=case.number,
            working_days=extension.working_days,
            approved=approved_days,
            maximum=maximum,
            limit=allowance.as_detail(),
            left=max(maximum - approved_days, 0),
        )


def _lock_for_decision(
    actor: Any, extension: CaseExtension, *, action: str
) -> tuple[CaseExtension, Case, str]:
    extension = CaseExtension.objects.select_for_update().get(pk=extension.pk)
    case = actions._lock(extension.case)
    role = require_role(actor, SUPERVISOR_ROLES, centre=case.centre).role
    check_not_own_case(actor, case, role=role, action=action)
    if extension.status != CaseExtension.Status.REQUESTED:
        raise ExtensionNotPending(
            extension=extension.pk, status=CaseExtension.Status(extension.status)
        )
    return extension, case, role


def _decide(extension: CaseExtension, *, actor: Any, status: str, note: str) -> None:
    extension.status = status
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = note
    extension.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note"]
    )


# --- reads ----------------------------------------------------------------------------


def case_extensions(case: Case) -> QuerySet[CaseExtension]:
    """Return the extension requests of a case the caller has already opened."""
    return case.extensions.select_related("requested_by", "decided_by")


def pending_extensions(user: Any) -> QuerySet[CaseExtension]:
    """Return the undecided extension requests of the cases the user sees."""
    return (
        CaseExtension.objects.filter(
            status=CaseExtension.Status.REQUESTED,
            case__in=visible_cases(user).values("pk"),
        )
        .select_related(
            "case",
            "case__matter",
            "case__department",
            "case__person",
            "case__enterprise",
            "requested_by",
        )
        .order_by("requested_at")
    )


def get_extension_for(user: Any, extension_id: int) -> CaseExtension:
    """Return the extension request if the user may see its case, else raise."""
    extension = (
        CaseExtension.objects.filter(
            pk=extension_id, case__in=visible_cases(user).values("pk")
        )
        .select_related("case")
        .first()
    )
    if extension is None:
        raise ExtensionNotFound(extension=extension_id)
    return extension


# --- messages to the applicant --------------------------------------------------------


def _notify_suspended(case: Case, procedure: str) -> None:
    actions._notify(case, SUSPENDED, procedure=procedure, **_due_dates(case))


def _notify_resumed(case: Case) -> None:
    actions._notify(case, RESUMED, **_due_dates(case))


def _notify_extended(case: Case, extension: CaseExtension) -> None:
    # 行政许可法 article 42 requires that the applicant is informed of the reason for an
    # extension.
    actions._notify(
        case,
        EXTENDED,
        working_days=extension.working_days,
        reason=extension.reason,
        **_due_dates(case),
    )


def _due_dates(case: Case) -> dict[str, Any]:
    return {
        "promised": case.promised_due.isoformat() if case.promised_due else None,
        "statutory": case.statutory_due.isoformat() if case.statutory_due else None,
    }


# --- shared steps ---------------------------------------------------------------------


def _record_case_event(
    case: Case,
    *,
    actor: Any,
    actor_role: str,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Write a CaseEvent for a change that leaves the case's state as it is."""
    return CaseEvent.objects.create(
        centre=case.centre,
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=actor_role,
        action=action,
        from_state=case.state,
        to_state=case.state,
        reason=reason.strip()[:2000],
        data=data or {},
    )


def _audit(actor: Any, role: str, verb: str, case: Case, **data: Any) -> None:
    record_event(
        actor=actor,
        actor_role=role,
        verb=verb,
        object_type="case",
        object_id=case.number,
        centre=case.centre,
        data=data,
    )


def _clean_reason(reason: str, action: ReasonAction, *, required: bool = True) -> str:
    """Return the reason trimmed, or raise when it is missing or too long."""
    return reasons.clean_reason(
        reason or "",
        missing=ReasonRequired(action=action) if required else None,
        too_long=ReasonTooLong,
        action=action,
    )
