"""Every state change of a case, one function each.

Each action runs in one transaction, locks the case row, checks the caller's role and the
case's state, writes the change with its CaseEvent, and schedules outbox messages and ledger
entries in the same transaction. Views, the API, commands and tasks call these; nothing else
saves case rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.cases import (
    deadlines,
    documents,
    idempotency,
    notices,
    reasons,
    receipts,
    results,
)
from onestop.cases.errors import (
    ApplicantNotRegistered,
    CorrectionItemsRequired,
    CorrectionsOutstanding,
    MaterialsMissing,
    MatterNotOpen,
    NotAgent,
    OpinionRequired,
    OpinionTooLong,
    OrganisationNotRepresented,
    ReasonRequired,
    ReasonTooLong,
    ResubmissionEmpty,
    UnknownMaterial,
)
from onestop.cases.formdata import (
    FormInvalid,
    FormInvalidMaterialsMissing,
    FormOwner,
    check_form_data,
)
from onestop.cases.models import (
    Case,
    CaseCounter,
    CaseDocument,
    CaseEvent,
    CasePause,
    CaseState,
    Channel,
    Submission,
    SubmissionKind,
)
from onestop.cases.uploads import (
    CheckedUpload,
    RejectedUpload,
    check_no_rejected_uploads,
)
from onestop.cases.workflow import TRANSITIONS, Transition
from onestop.catalog.models import Matter
from onestop.core import outbox, rows
from onestop.core.audit import record_event
from onestop.core.bulk import insert_instances
from onestop.core.errors import InvalidTransition, PermissionDenied, list_text, shown
from onestop.core.ledger.actions import queue_entry
from onestop.core.locks import named_lock
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Role
from onestop.core.notifications import notify
from onestop.core.permissions import find_role, require_role
from onestop.identity.models import Enterprise, Person
from onestop.worktime.engine import Due

log = get_logger(__name__)

APPLICANT = "applicant"
SYSTEM = "system"
WINDOW_ROLES = (Role.CLERK,)
DEPARTMENT_ROLES = (Role.REVIEWER,)
# The outbox topic whose handler (exchange.tasks) hands an accepted case to its department.
DISPATCH_TOPIC = "exchange.dispatch"


@dataclass
class MaterialCheck:
    """The clerk's ticks for one material at the window."""

    original_seen: bool = False
    copy_taken: bool = False
    electronic: bool = False


@dataclass
class Application:
    """The applicant's part of a case: form values and the materials provided."""

    form_data: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, list[CheckedUpload]] = field(default_factory=dict)
    checklist: dict[str, MaterialCheck] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)
    # Files that failed the upload checks; an action reports them all before it saves.
    rejected_uploads: list[RejectedUpload] = field(default_factory=list)


@dataclass(frozen=True)
class Filing:
    """The outcome of filing a case with an idempotency key: the case, and whether it is new.

    For a new window case, `submissions` and `events` are the rows just written, so that
    a response can show them without reading them back. Both are None otherwise.
    """

    case: Case
    created: bool
    submissions: list[Submission] | None = None
    events: list[CaseEvent] | None = None


# --- applicant actions -------------------------------------------------------------------


def submit_online_case(
    *,
    actor: Any,
    matter: Matter,
    application: Application,
    enterprise: Enterprise | None = None,
    idempotency_key: str | None = None,
    channel: str = Channel.ONLINE,
) -> Filing:
    """File an online (or kiosk) application, which waits in the window's queue as
    submitted, or return the case that the same idempotency key filed.

    The same idempotency key from the same applicant returns the case it created first, so a
    double click or a retried request gives one case and uses one case number; the same key
    with a different application raises IdempotencyKeyReused.
    """
    person = _person_of(actor)
    sender = idempotency.Sender(user_id=actor.pk, channel=channel)
    with _claim_case(
        matter, person, enterprise, application, key=idempotency_key, sender=sender
    ) as claim:
        if claim.existing is not None:
            return Filing(case=_reload(claim.existing), created=False)
        with _atomic_removing_files() as written:
            case = _build_case(
                actor=actor,
                matter=matter,
                person=person,
                enterprise=enterprise,
                claim=claim,
                channel=channel,
            )
            insert_instances([case])
            _store_new_materials(case, application, actor=actor, written=written)
            _transition(case, actor=actor, actor_role=APPLICANT, action="submit")
            Case.objects.filter(pk=case.pk).update(submitted_at=timezone.now())
    log.info(
        "case.submitted",
        case_id=case.pk,
        centre_id=case.centre_id,
        matter_code=matter.pack_id,
    )
    return Filing(case=_reload(case), created=True)


def resubmit_case(*, actor: Any, case: Case, application: Application) -> Case:
    """Answer a correction request: replace the listed materials and form values."""
    with _atomic_removing_files() as written:
        case = _lock(case)
        if case.person.user_id != actor.pk:
            raise PermissionDenied()
        guide = case.matter_version.guide
        form_data = {**case.form_data, **application.form_data}
        _check_uploads_with_form(
            application,
            guide,
            form_data,
            FormOwner.of(case.person, case.enterprise),
            provided=_current_materials(case),
        )
        _check_corrections_answered(case, application)
        case.form_data = check_form_data(
            guide.form_fields,
            form_data,
            owner=FormOwner.of(case.person, case.enterprise),
        )
        _check_organisation_codes(guide.form_fields, case.form_data, case.enterprise)
        _store_materials(
            case,
            application,
            replace=True,
            actor=actor,
            role=APPLICANT,
            written=written,
        )
        _check_required_materials(case)
        previous = (
            case.events.filter(action="request_correction").last() or CaseEvent()
        ).from_state
        _end_pauses(case, CasePause.Kind.CORRECTION)
        case.correction_items = []
        case.save(update_fields=["form_data", "correction_items"])
        _transition(
            case,
            actor=actor,
            actor_role=APPLICANT,
            action="resubmit",
            target=previous or CaseState.SUBMITTED,
        )
        _recompute_deadlines(case)
    return _reload(case)


def withdraw_case(*, actor: Any, case: Case, reason: str) -> Case:
    with transaction.atomic():
        case = _lock(case)
        if case.person.user_id != actor.pk:
            raise PermissionDenied()
        _transition(
            case, actor=actor, actor_role=APPLICANT, action="withdraw", reason=reason
        )
        _end_pauses(case, None)
    return _reload(case)


# --- window actions ----------------------------------------------------------------------


def create_window_case(
    *,
    actor: Any,
    matter: Matter,
    person: Person,
    application: Application,
    enterprise: Enterprise | None = None,
    window: str = "",
    idempotency_key: str | None = None,
) -> Case:
    """Accept an application at the comprehensive window: the case enters as accepted."""
    return get_or_create_window_case(
        actor=actor,
        matter=matter,
        person=person,
        application=application,
        enterprise=enterprise,
        window=window,
        idempotency_key=idempotency_key,
    ).case


def get_or_create_window_case(
    *,
    actor: Any,
    matter: Matter,
    person: Person,
    application: Application,
    enterprise: Enterprise | None = None,
    window: str = "",
    idempotency_key: str | None = None,
) -> Filing:
    """Accept at the window, or return the case that this clerk's idempotency key created.

    Requests with one key run one at a time (`named_lock`), so a double click gives one
    case and uses one case number. A new case is inserted already in state accepted, with
    its rows written by one INSERT each, and none of them is read back. The signed receipt
    and the applicant's notification follow from the outbox worker, through a message
    written in this transaction (see `receipts`).
    """
    require_role(actor, WINDOW_ROLES, centre=matter.centre)
    sender = idempotency.Sender(user_id=actor.pk, channel=Channel.WINDOW)
    with _claim_case(
        matter,
        person,
        enterprise,
        application,
        key=idempotency_key,
        sender=sender,
        window=window,
    ) as claim:
        if claim.existing is not None:
            return Filing(case=claim.existing, created=False)
        with _atomic_removing_files() as written:
            case = _build_case(
                actor=actor,
                matter=matter,
                person=person,
                enterprise=enterprise,
                claim=claim,
                channel=Channel.WINDOW,
            )
            case.accepted_at = case.created_at
            case.accepted_by = actor
            case.window = window[:40]
            previous = _move(case, "accept")
            case.revision = 1
            _set_deadlines(case, *deadlines.first_case_deadlines(case))
            insert_instances([case])
            submissions = _store_new_materials(
                case, application, actor=actor, written=written
            )
            event = _record_event(
                case,
                actor=actor,
                actor_role=Role.CLERK,
                action="accept",
                previous=previous,
                materials=submissions,
            )
            _schedule_acceptance_work(case, submissions)
    _log_accepted(case)
    return Filing(case=case, created=True, submissions=submissions, events=[event])


def accept_case(
    *,
    actor: Any,
    case: Case,
    checklist: dict[str, MaterialCheck] | None = None,
    window: str = "",
    application: Application | None = None,
) -> Case:
    """Accept an online submission from the window's queue; the worker signs the receipt.

    `application` contains the files and certificates that the window adds. Each material
    given in it replaces the case's earlier ones of that material. A rejected file stops
    the acceptance before anything is stored.
    """
    with _atomic_removing_files() as written:
        case = _lock(case)
        require_role(actor, WINDOW_ROLES, centre=case.centre)
        if application is not None:
            _require_transition(case, "accept")
            _check_uploads_for_acceptance(case, application, checklist or {})
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
        _accept(case, actor=actor, window=window)
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
        _notify(case, notices.ACCEPTED, date=content.get("promised_due"))
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


def refuse_case(*, actor: Any, case: Case, reason: str) -> Case:
    """Decide not to accept (不予受理), with the reason, and notify the applicant."""
    action = _("not accepting a case")
    reason = reasons.clean_reason(
        reason,
        missing=ReasonRequired(action=action),
        too_long=ReasonTooLong,
        action=action,
    )
    with transaction.atomic():
        case = _lock(case)
        require_role(actor, WINDOW_ROLES, centre=case.centre)
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


def request_correction(
    *, actor: Any, case: Case, items: Iterable[dict[str, str]]
) -> Case:
    """Ask for every missing or incorrect item at once (一次性告知); the clock stops.

    Each item has `material` or `field` (a key of the matter) and a `note`. The window asks
    before acceptance; the department's reviewer may ask during review.
    """
    items = [
        item
        for item in items
        if (item.get("note") or "").strip() or item.get("material")
    ]
    if not items:
        raise CorrectionItemsRequired()
    with transaction.atomic():
        case = _lock(case)
        role = _staff_role_for_correction(actor, case)
        known = {m["key"] for m in case.matter_version.guide.materials}
        for item in items:
            if item.get("material") and item["material"] not in known:
                raise UnknownMaterial(material=item["material"])
        case.correction_items = items
        case.save(update_fields=["correction_items"])
        _transition(
            case,
            actor=actor,
            actor_role=role,
            action="request_correction",
            data={"items": items},
        )
        CasePause.objects.create(
            centre=case.centre,
            case=case,
            kind=CasePause.Kind.CORRECTION,
            reason=_("correction requested"),
            started_at=timezone.now(),
        )
        documents.create_document(
            case, CaseDocument.Kind.CORRECTION_NOTICE, {"items": items}
        )
        _notify(
            case,
            notices.CORRECTION_REQUESTED,
            items="; ".join(item.get("note", "") for item in items if item.get("note")),
        )
    return _reload(case)


def deliver_result(*, actor: Any, case: Case) -> Case:
    """Hand the result over (at the window, or downloaded online by the applicant): closed."""
    with transaction.atomic():
        case = _lock(case)
        if case.person.user_id == actor.pk:
            role = APPLICANT
        else:
            role = require_role(actor, WINDOW_ROLES, centre=case.centre).role
        _transition(case, actor=actor, actor_role=role, action="deliver_result")
        Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    return _reload(case)


# --- department actions ------------------------------------------------------------------


def start_review(*, actor: Any | None, case: Case) -> Case:
    """Move an accepted case into the department's review; the worklist connector calls it."""
    with transaction.atomic():
        case = _lock(case)
        if case.state != CaseState.ACCEPTED:
            return case
        role = SYSTEM if actor is None else _reviewer_role(actor, case)
        _transition(case, actor=actor, actor_role=role, action="start_review")
    return _reload(case)


def approve_case(
    *, actor: Any, case: Case, opinion: str, result: dict[str, Any] | None = None
) -> Case:
    """Approve with an opinion, then issue the result document in the same transaction."""
    return _decide(
        actor=actor, case=case, opinion=opinion, action="approve", result=result
    )


def deny_case(*, actor: Any, case: Case, opinion: str) -> Case:
    """Deny with the reason, then issue the decision of denial in the same transaction."""
    return _decide(actor=actor, case=case, opinion=opinion, action="deny", result=None)


def _decide(
    *, actor: Any, case: Case, opinion: str, action: str, result: dict[str, Any] | None
) -> Case:
    opinion = _clean_opinion(opinion, action=action)
    with transaction.atomic():
        case = _lock(case)
        role = _decider_role(actor, case)
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
    label = _("approving a case") if action == "approve" else _("denying a case")
    return reasons.clean_reason(
        opinion, missing=OpinionRequired(action=label), too_long=OpinionTooLong
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
    """Record the decision, issue the result document and notify the applicant."""
    now = timezone.now()
    case.opinion = opinion.strip()
    case.decided_at = now
    case.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    case.save(update_fields=["opinion", "decided_at", "decided_by"])
    _transition(case, actor=actor, actor_role=role, action=action, reason=opinion)

    decision = dict(result or {})
    data = {
        "decision": "approved" if action == "approve" else "denied",
        "opinion": case.opinion,
        "result_name": case.matter_version.guide.result.get("name", ""),
        **{k: v for k, v in decision.items() if k not in ("face", "holder_code")},
    }
    if action == "approve":
        certificate = results.issue_result_certificate(case, decision)
        if certificate is not None:
            data["certificate"] = certificate.identifier
    documents.create_document(case, CaseDocument.Kind.RESULT, data)
    _transition(case, actor=None, actor_role=SYSTEM, action="issue_result")
    Case.objects.filter(pk=case.pk).update(result_issued_at=now)
    _notify(case, notices.RESULT_READY)


# --- shared steps ------------------------------------------------------------------------


def _check_new_case(
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    application: Application,
) -> dict[str, Any]:
    """Check what can be checked before a case exists; return the cleaned form values.

    Running these checks before a case number is taken keeps invalid applications from
    using up numbers.
    """
    if not matter.is_active or matter.guide_only or matter.current_version is None:
        raise MatterNotOpen(matter=matter.name)
    if enterprise is not None and not enterprise.agents.filter(pk=person.pk).exists():
        raise NotAgent(uscc=enterprise.uscc)
    guide = matter.current_version.guide
    known = {m["key"] for m in guide.materials}
    for key in [
        *application.uploads,
        *application.certificates,
        *application.checklist,
    ]:
        if key not in known:
            raise UnknownMaterial(material=key)
    missing = _missing_materials(guide.materials, _application_materials(application))

    # One notice lists the invalid fields and the missing materials together (一次性告知).
    try:
        form_data = check_form_data(
            guide.form_fields,
            application.form_data,
            owner=FormOwner.of(person, enterprise),
        )
    except FormInvalid as error:
        if not missing:
            raise
        raise FormInvalidMaterialsMissing(
            **error.details, **_missing_details(missing)
        ) from None
    _check_organisation_codes(guide.form_fields, form_data, enterprise)
    if missing:
        raise MaterialsMissing(**_missing_details(missing))
    return form_data


def _check_uploads_with_form(
    application: Application,
    guide: Any,
    form_data: dict[str, Any],
    owner: FormOwner,
    *,
    provided: set[str],
) -> None:
    """Raise one error for the rejected uploads that also lists the form's errors and
    the missing materials (一次性告知).

    `provided` are the keys of the materials the case has already, besides those of
    `application`.
    """
    if not application.rejected_uploads:
        return
    form_error = None
    try:
        check_form_data(guide.form_fields, form_data, owner=owner)
    except FormInvalid as error:
        form_error = error
    check_no_rejected_uploads(
        application.rejected_uploads,
        guide.materials,
        form_error=form_error,
        missing=_missing_besides_rejected(
            guide.materials, application, provided | _application_materials(application)
        ),
    )


def _check_uploads_for_acceptance(
    case: Case, application: Application, checklist: dict[str, MaterialCheck]
) -> None:
    """Raise one error for the files rejected at acceptance that also lists the missing
    materials, counting the case's materials and the clerk's ticks as provided."""
    if not application.rejected_uploads:
        return
    materials = case.matter_version.guide.materials
    provided = _current_materials(case) | _application_materials(application)
    provided |= _ticked_materials(checklist)
    check_no_rejected_uploads(
        application.rejected_uploads,
        materials,
        missing=_missing_besides_rejected(materials, application, provided),
    )


def _missing_besides_rejected(
    materials: list[dict[str, Any]], application: Application, provided: set[str]
) -> dict[str, Any] | None:
    """Return the error details naming the required materials that are neither in
    `provided` nor rejected, or None when there are none.

    The error lists a rejected file's material with the file, so not again here.
    """
    rejected = {item.material for item in application.rejected_uploads}
    missing = _missing_materials(materials, provided | rejected)
    return _missing_details(missing) if missing else None


def _application_materials(application: Application) -> set[str]:
    """Return the keys of the materials an application provides: accepted uploads,
    certificates, and the originals or copies ticked at the window."""
    provided = {key for key, files in application.uploads.items() if files}
    provided |= set(application.certificates)
    return provided | _ticked_materials(application.checklist)


def _ticked_materials(checklist: dict[str, MaterialCheck]) -> set[str]:
    return {
        key
        for key, check in checklist.items()
        if check.original_seen or check.copy_taken
    }


def _check_corrections_answered(case: Case, application: Application) -> None:
    """Reject a resubmission that leaves a requested material out, or changes nothing."""
    if case.state != CaseState.CORRECTION_REQUESTED:
        return  # the transition reports the wrong state with its own message
    names = {m["key"]: m["name"] for m in case.matter_version.guide.materials}
    answered = {key for key, files in application.uploads.items() if files}
    answered |= set(application.certificates)
    outstanding = [
        names.get(item["material"], item["material"])
        for item in case.correction_items
        if item.get("material") and item["material"] not in answered
    ]
    if not answered and not application.form_data:
        requested = _requested_items(case)
        raise ResubmissionEmpty(
            items=list_text(requested) if requested else _("the items to correct"),
            requested=requested,
        )
    if outstanding:
        raise CorrectionsOutstanding(materials=list_text(outstanding))


def _requested_items(case: Case) -> list[str]:
    """Name each item of the case's correction notice for a message.

    A material is named by its name and a form field by its label. An item with
    neither is named by its note, quoted and cut to 40 characters.
    """
    guide = case.matter_version.guide
    materials = {m["key"]: m["name"] for m in guide.materials}
    fields = {f["key"]: f["label"] for f in guide.form_fields}
    names: list[str] = []
    for item in case.correction_items:
        note = (item.get("note") or "").strip()
        if item.get("material"):
            names.append(materials.get(item["material"], item["material"]))
        elif item.get("field"):
            names.append(fields.get(item["field"], item["field"]))
        elif note:
            names.append(f"“{shown(note)}”")
    return list(dict.fromkeys(names))


def _check_organisation_codes(
    fields: list[dict[str, Any]],
    form_data: dict[str, Any],
    enterprise: Enterprise | None,
) -> None:
    """Reject a form that names a registered enterprise the applicant does not act for.

    Results such as licences are issued to the code in the form, so only the enterprise's
    own agents, applying for it, may name it.
    """
    for form_field in fields:
        key = form_field["key"]
        code = form_data.get(key) if form_field.get("type") == "uscc" else None
        if not code or (enterprise is not None and enterprise.uscc == code):
            continue
        if rows.fetch_one(Enterprise, {"uscc": code}) is not None:
            raise OrganisationNotRepresented(uscc=code, field=form_field["label"])


@dataclass(frozen=True)
class _Claim:
    """The result of `_claim_case`: the key's earlier case, or the checked form and a number."""

    existing: Case | None = None
    form_data: dict[str, Any] = field(default_factory=dict)
    number: str = ""
    key: str | None = None
    digest: str = ""


@contextmanager
def _claim_case(
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    application: Application,
    *,
    key: str | None,
    sender: idempotency.Sender,
    window: str = "",
) -> Iterator[_Claim]:
    """Hold the idempotency key's lock while the caller writes a new case.

    Yield the case filed earlier with the key, or else the checked form values and a new
    case number. The checks run before the number is taken, so invalid applications use
    up no numbers. Requests with one key run one at a time, so a double click gives one
    case and one number. A request without a key has nothing to serialise, so it takes
    no lock.

    Rejected uploads are reported before the key is looked up, because the digest
    covers only the files that passed, so it could match the key's earlier case.
    """
    if application.rejected_uploads:
        version = matter.current_version
        if version is None:
            check_no_rejected_uploads(application.rejected_uploads, [])
        else:
            _check_uploads_with_form(
                application,
                version.guide,
                application.form_data,
                FormOwner.of(person, enterprise),
                provided=set(),
            )
    digest = idempotency.application_digest(
        matter=matter,
        person=person,
        enterprise=enterprise,
        application=application,
        window=window,
    )
    block = (
        named_lock(
            "case-key", matter.centre_id, person.pk, sender.user_id, sender.channel, key
        )
        if key
        else _numbering_block()
    )
    with block:
        existing = (
            idempotency.find_case_for_key(matter, person, key, digest, sender=sender)
            if key
            else None
        )
        if existing is not None:
            yield _Claim(existing=existing)
            return
        form_data = _check_new_case(matter, person, enterprise, application)
        number = _allocate_case_number(matter.centre)
        yield _Claim(form_data=form_data, number=number, key=key, digest=digest)


def _build_case(
    *,
    actor: Any,
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    claim: _Claim,
    channel: str,
) -> Case:
    """Return an unsaved draft case of the matter's current version."""
    return Case(
        centre=matter.centre,
        number=claim.number,
        matter=matter,
        matter_version=matter.current_version,
        department=matter.department,
        person=person,
        enterprise=enterprise,
        channel=channel,
        state=CaseState.DRAFT,
        form_data=claim.form_data,
        idempotency_key=claim.key or None,
        idempotency_digest=claim.digest if claim.key else "",
        created_by=actor,
        created_at=timezone.now(),
    )


def _store_new_materials(
    case: Case, application: Application, *, actor: Any, written: list[str]
) -> list[Submission]:
    """Store the materials of a case just inserted and return its submissions.

    `_check_new_case` has already checked the application's materials against the
    matter, so the stored ones are not read back to check them again.
    """
    role = APPLICANT if case.person.user_id == actor.pk else Role.CLERK
    submissions = _store_materials(
        case, application, replace=False, actor=actor, role=role, written=written
    )
    if application.checklist:
        submissions += _record_checklist(
            case, application.checklist, stored=submissions
        )
    return submissions


def _accept(case: Case, *, actor: Any, window: str) -> None:
    """Accept a case that already exists, such as an online submission."""
    case.accepted_at = timezone.now()
    case.accepted_by = actor
    case.window = window[:40]
    case.save(update_fields=["accepted_at", "accepted_by", "window"])
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
            state=CaseState(case.state).label, action=transition.label
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


def _store_materials(
    case: Case,
    application: Application,
    *,
    replace: bool,
    actor: Any,
    role: str,
    written: list[str],
) -> list[Submission]:
    """Store the uploads and certificate references and return the new submissions.

    The storage name of every file written is added to `written`, which
    `_atomic_removing_files` deletes when the transaction fails.
    """
    stored: list[Submission] = []
    materials = case.matter_version.guide.materials
    # Callers check earlier; this keeps a new caller from saving half of a request.
    check_no_rejected_uploads(application.rejected_uploads, materials)
    known = {m["key"] for m in materials}
    for key in list(application.uploads) + list(application.certificates):
        if key not in known:
            raise UnknownMaterial(material=key)
    for key, files in application.uploads.items():
        if replace and files:
            case.submissions.filter(material_key=key).update(superseded=True)
        for upload in files:
            submission = Submission(
                centre=case.centre,
                case=case,
                material_key=key,
                kind=SubmissionKind.UPLOAD,
                original_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
            )
            submission.file.save(
                f"{case.number}-{key}-{upload.sha256[:12]}",
                ContentFile(upload.content),
                save=False,
            )
            written.append(str(submission.file.name))
            submission.save()
            stored.append(submission)
    for key, identifier in application.certificates.items():
        if replace:
            case.submissions.filter(material_key=key).update(superseded=True)
        stored.append(
            Submission.objects.create(
                centre=case.centre,
                case=case,
                material_key=key,
                kind=SubmissionKind.CERTIFICATE,
                certificate_identifier=identifier,
            )
        )
    if application.certificates:
        results.use_certificates_as_materials(
            case, application.certificates, actor=actor, role=role
        )
    return stored


def _record_checklist(
    case: Case,
    checklist: dict[str, MaterialCheck],
    *,
    stored: list[Submission] | None = None,
) -> list[Submission]:
    """Record the paper materials ticked at the window; return the new submissions.

    For a case inserted in this transaction, `stored` lists the uploads and certificates
    it was given, and there are no earlier paper checks to supersede.
    """
    known = {m["key"] for m in case.matter_version.guide.materials}
    paper: list[Submission] = []
    for key, check in checklist.items():
        if key not in known:
            raise UnknownMaterial(material=key)
        if not (check.original_seen or check.copy_taken or check.electronic):
            continue
        if check.electronic and not (check.original_seen or check.copy_taken):
            continue  # an electronic material is an upload or a certificate, stored already
        paper.append(
            Submission(
                centre=case.centre,
                case=case,
                material_key=key,
                kind=SubmissionKind.PAPER,
                original_seen=check.original_seen,
                copy_taken=check.copy_taken,
            )
        )
    if not paper:
        return []
    paper = _tick_electronic_materials(case, paper, stored)
    if stored is None:
        # A new tick replaces the earlier paper check of the same material.
        case.submissions.filter(
            kind=SubmissionKind.PAPER, material_key__in=[s.material_key for s in paper]
        ).update(superseded=True)
    return list(insert_instances(paper))


def _tick_electronic_materials(
    case: Case, paper: list[Submission], stored: list[Submission] | None
) -> list[Submission]:
    """Record ticks for materials already uploaded or given as certificates on those rows.

    The clerk who sees the original of an uploaded material confirms that upload, because
    a second, paper row would list the material twice. `stored` are the new case's
    electronic materials, or None to read the case's current ones. Return the ticks left
    for paper.
    """
    if stored is None:
        stored = list(
            case.submissions.filter(superseded=False).exclude(kind=SubmissionKind.PAPER)
        )
    electronic = {s.material_key for s in stored if s.kind != SubmissionKind.PAPER}
    ticks = {tick.material_key: tick for tick in paper}
    for submission in stored:
        tick = ticks.get(submission.material_key)
        if tick is None or submission.kind == SubmissionKind.PAPER:
            continue
        submission.original_seen = tick.original_seen
        submission.copy_taken = tick.copy_taken
        Submission.objects.filter(pk=submission.pk).update(
            original_seen=tick.original_seen, copy_taken=tick.copy_taken
        )
    return [tick for tick in paper if tick.material_key not in electronic]


def _check_required_materials(case: Case) -> None:
    _raise_missing(case.matter_version.guide.materials, _current_materials(case))


def _current_materials(case: Case) -> set[str]:
    """Return the keys of the materials the case has now: its submissions not replaced."""
    return set(
        case.submissions.filter(superseded=False).values_list("material_key", flat=True)
    )


def _raise_missing(materials: list[dict[str, Any]], provided: set[str]) -> None:
    missing = _missing_materials(materials, provided)
    if missing:
        raise MaterialsMissing(**_missing_details(missing))


def _missing_materials(
    materials: list[dict[str, Any]], provided: set[str]
) -> list[dict[str, Any]]:
    """Return the required materials whose key is not in `provided`, in guide order."""
    return [
        m
        for m in materials
        if m.get("necessity", "required") == "required" and m["key"] not in provided
    ]


def _missing_details(missing: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the error details that name the missing materials and give their keys."""
    names = [m["name"] for m in missing]
    return {
        "materials": list_text(names),
        "missing": names,
        "material_keys": [m["key"] for m in missing],
    }


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


def _allocate_case_number(centre: Centre) -> str:
    """Take the next number: region code, date (Asia/Shanghai), a 5-digit daily sequence.

    One upsert statement (INSERT … ON CONFLICT DO UPDATE … RETURNING, which PostgreSQL
    and SQLite 3.35 and later both run) takes the number. On PostgreSQL, outside a
    transaction, it commits on its own. So the counter row stays locked only for that
    statement, acceptances in one centre do not queue behind each other, and a number
    whose application then fails is skipped. Inside a caller's transaction, which is
    how SQLite runs it (see `named_lock`), a failed application takes its number back
    with the rollback, and the counter row stays locked until that transaction ends.
    """
    day = timezone.localdate()
    quote = connection.ops.quote_name
    table = quote(CaseCounter._meta.db_table)
    last = quote("last")
    source = "VALUES (%s, %s, 1)"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        source = _WITHOUT_WAITING_FOR_FLUSH
    # Table and column names come from the model; values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('centre_id')}, {quote('day')}, {last}) "
            f"{source} ON CONFLICT ({quote('centre_id')}, {quote('day')}) "
            f"DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
            [centre.pk, connection.ops.adapt_datefield_value(day)],
        )
        (number,) = cursor.fetchone()
    return f"{centre.region_code}{day:%y%m%d}{number:05d}"


@contextmanager
def _atomic_removing_files() -> Iterator[list[str]]:
    """Open a transaction that deletes the files written in it when it fails.

    A rollback removes the submissions' rows but not their files in storage, so the
    block adds the storage name of each file it writes to the list it gets. Storage
    gives each file a name of its own, so no other row refers to a deleted file. NOTE:
    inside an outer transaction that fails after this block commits, the files stay.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            yield written
    except BaseException:
        storage = Submission._meta.get_field("file").storage
        for name in written:
            try:
                storage.delete(name)
            except OSError as error:
                log.warning("case.file_not_removed", error=type(error).__name__)
        raise


def _numbering_block() -> AbstractContextManager[Any]:
    """Return the block in which a case takes its number when no lock is needed.

    On SQLite it is one transaction, the same one that `named_lock` opens there, so the
    counter's change commits with the case or rolls back with a failed application. On
    PostgreSQL the number commits on its own (see `_allocate_case_number`).
    """
    if connection.vendor == "postgresql":
        return nullcontext()
    return transaction.atomic()


# The counter's own commit on PostgreSQL does not wait for the disk, because the statement
# turns synchronous_commit off for its one transaction. A crash cannot give a number twice.
# The write-ahead log is flushed in order, and a case that used the number commits later
# with a flush that covers the counter's change too. A crash before that flush loses the
# case along with the counter's change.
_WITHOUT_WAITING_FOR_FLUSH = (
    "SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS s"
)


def _notify(case: Case, message_id: str, **params: Any) -> None:
    """Write the applicant an in-app message of `notices`, with the case number as `number`."""
    notify(
        centre=case.centre,
        user_id=case.person.user_id,
        message_id=message_id,
        link=f"/portal/cases/{case.number}/",
        number=case.number,
        **params,
    )


def _person_of(actor: Any) -> Person:
    user_id = getattr(actor, "pk", None)
    person = None if user_id is None else Person.objects.filter(user_id=user_id).first()
    if person is None:
        raise ApplicantNotRegistered()
    return person


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
    review. A clerk who requests them in a state that allows none gets the state
    conflict (InvalidTransition), as for every other transition, not a permission error.
    """
    if case.state == CaseState.SUBMITTED:
        return require_role(actor, WINDOW_ROLES, centre=case.centre).role
    if find_role(actor, WINDOW_ROLES, centre=case.centre) is not None:
        _require_transition(case, "request_correction")
    return _reviewer_role(actor, case)
