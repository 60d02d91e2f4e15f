"""The window's acceptance or refusal (不予受理) of a submitted case, and the receipt."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from onestop.cases import documents, notices, reasons, receipts
from onestop.cases.actions.checks import (
    _check_acceptance_material_keys,
    _check_required_materials,
    _check_uploads_for_acceptance,
    reporting_consent,
)
from onestop.cases.actions.materials import (
    Application,
    MaterialCheck,
    _atomic_removing_files,
    _record_checklist,
    _store_materials,
)
from onestop.cases.actions.roles import SYSTEM, WINDOW_ROLES
from onestop.cases.actions.transitions import (
    _lock,
    _notify,
    _recompute_deadlines,
    _reload,
    _require_transition,
    _transition,
)
from onestop.cases.errors import ReasonAction, ReasonRequired, ReasonTooLong
from onestop.cases.models import Case, CaseDocument, Submission
from onestop.cases.recusal import audits_own_case_rejection, check_not_own_case
from onestop.core import outbox
from onestop.core.audit import record_event
from onestop.core.logging import get_logger
from onestop.core.models import Role, Window
from onestop.core.permissions import require_role
from onestop.core.window_choice import find_requested_window, store_window_choice
from onestop.core.window_matters import check_window_takes_matter
from onestop.core.windows import window_label

log = get_logger(__name__)

# The outbox topic whose handler (exchange.tasks) hands an accepted case to its department.
DISPATCH_TOPIC = "exchange.dispatch"


@audits_own_case_rejection
def accept_case(
    *,
    actor: Any,
    case: Case,
    checklist: dict[str, MaterialCheck] | None = None,
    window: str | None = "",
    application: Application | None = None,
) -> Case:
    """Accept an online submission from the window's queue; the worker signs the receipt.

    `window` is the code of an active window of the case's centre that accepts the
    case's matter, or empty for none. None uses the clerk's last window, and a code
    given becomes the clerk's last window.
    `application` contains the files and certificates that the window adds. Each material
    given in it replaces the case's earlier ones of that material. A rejected file stops
    the acceptance before anything is stored.
    """
    with _atomic_removing_files() as written:
        case = _lock(case)
        role = require_role(actor, WINDOW_ROLES, centre=case.centre).role
        check_not_own_case(actor, case, role=role, action="accept")
        found_window = find_requested_window(actor, case.centre, window, case.matter)
        check_window_takes_matter(found_window, case.matter)
        sent = application or Application()
        with reporting_consent(sent, case.matter_version.guide.materials):
            _check_acceptance_material_keys(case, sent, checklist or {})
            if application is not None:
                _require_transition(case, "accept")
                _check_uploads_for_acceptance(case, application, checklist or {})
        if application is not None:
            _store_materials(
                case,
                application,
                replace=True,
                actor=actor,
                role=Role.CLERK,
                written=written,
            )
        if checklist:
            _record_checklist(case, checklist)
        _check_required_materials(case)
        _accept(case, actor=actor, window=found_window)
        if window is not None:
            store_window_choice(actor, case.centre, found_window)
    return _reload(case)


def issue_acceptance_receipt(
    *, case_id: int, content: dict[str, Any]
) -> CaseDocument | None:
    """Sign and store the acceptance receipt, and tell the applicant the case is accepted.

    The outbox worker calls this for the message that the acceptance queued, with the
    receipt's `content` from that message. It does nothing when the receipt exists
    already, so a message delivered twice gives one receipt and one notification.
    Return the receipt, or None when the case no longer exists.
    """
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related(
                "centre", "matter", "matter_version", "department", "person"
            )
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            return None
        existing = receipts.get_receipt(case)
        if existing is not None:
            return existing
        receipt = documents.create_document(
            case, CaseDocument.Kind.ACCEPTANCE_RECEIPT, content
        )
        # The worker may sign the receipt after the case has moved on, so the message
        # is dated when the case was accepted.
        _notify(
            case,
            notices.ACCEPTED,
            at=case.accepted_at,
            date=content.get("promised_due"),
        )
        record_event(
            actor=None,
            actor_role=SYSTEM,
            verb="case.receipt_issued",
            object_type="case",
            object_id=case.pk,
            centre=case.centre,
            data={"document_id": receipt.pk},
        )
    log.info("case.receipt_issued", case_id=case.pk, centre_id=case.centre_id)
    return receipt


@audits_own_case_rejection
def refuse_case(*, actor: Any, case: Case, reason: str) -> Case:
    """Decide not to accept (不予受理), with the reason, and notify the applicant."""
    action = ReasonAction.REFUSE
    with transaction.atomic():
        case = _lock(case)
        role = require_role(actor, WINDOW_ROLES, centre=case.centre).role
        check_not_own_case(actor, case, role=role, action="refuse")
        reason = reasons.clean_reason(
            reason,
            missing=ReasonRequired(action=action),
            too_long=ReasonTooLong,
            action=action,
        )
        case.refusal_reason = reason
        case.save(update_fields=["refusal_reason"])
        _transition(
            case, actor=actor, actor_role=Role.CLERK, action="refuse", reason=reason
        )
        documents.create_document(
            case, CaseDocument.Kind.REFUSAL_NOTICE, {"reason": reason}
        )
        _notify(case, notices.NOT_ACCEPTED, reason=case.refusal_reason)
    return _reload(case)


def _accept(case: Case, *, actor: Any, window: Window | None) -> None:
    """Accept a case that already exists, such as an online submission."""
    case.accepted_at = timezone.now()
    case.accepted_by = actor
    case.window = window_label(window)
    case.window_record = window
    case.save(update_fields=["accepted_at", "accepted_by", "window", "window_record"])
    submissions = list(case.submissions.filter(superseded=False).order_by("pk"))
    _transition(
        case,
        actor=actor,
        actor_role=Role.CLERK,
        action="accept",
        materials=submissions,
    )
    _recompute_deadlines(case)
    _schedule_acceptance_work(case, submissions)
    _log_accepted(case)


def _schedule_acceptance_work(case: Case, submissions: list[Submission]) -> None:
    """Queue the department dispatch and the receipt with one INSERT, in this transaction."""
    outbox.enqueue_many(
        [
            outbox.Message(DISPATCH_TOPIC, {"case_id": case.pk}, centre=case.centre),
            receipts.receipt_message(case, submissions),
        ]
    )


def _log_accepted(case: Case) -> None:
    log.info(
        "case.accepted",
        case_id=case.pk,
        centre_id=case.centre_id,
        department_id=case.department_id,
    )
