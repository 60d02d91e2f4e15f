"""Every state change of the department exchange, one function each."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from onestop.cases import actions as case_actions
from onestop.cases.models import Case, CaseState
from onestop.cases.results import FaceFieldNotEnterable, OrganisationCodeRequired
from onestop.certificates.errors import MissingFaceField
from onestop.certificates.faces import FaceValueInvalid
from onestop.core import outbox
from onestop.core.audit import record_event
from onestop.core.errors import InvalidTransition, NotFound
from onestop.core.ledger.actions import queue_entry
from onestop.core.logging import get_logger
from onestop.core.models import (
    AuditEvent,
    Department,
    OutboxMessage,
    OutboxStatus,
    Role,
)
from onestop.core.permissions import require_role
from onestop.core.signing import sign_document
from onestop.exchange import callbacks
from onestop.exchange.case_results import apply_department_correction, mark_received
from onestop.exchange.connectors import DeliveryOutcome, get_connector
from onestop.exchange.envelopes import build_envelope, envelope_digest
from onestop.exchange.errors import (
    CallbackFaceFieldMissing,
    CallbackReplayed,
    CaseMismatch,
    DeadLetterReplayed,
    NotDeadLetter,
    ResultAlreadyApplied,
    SignatureInvalid,
    UnknownEnvelope,
)
from onestop.exchange.models import (
    CallbackStatus,
    ConnectorConfig,
    ConnectorKind,
    DepartmentCallback,
    Envelope,
    EnvelopeStatus,
)
from onestop.exchange.signatures import verify_department_signature

log = get_logger(__name__)

SYSTEM = "system"
DISPATCH_TOPIC = "exchange.dispatch"
SUPERVISING_ROLES = (Role.SUPERVISOR,)


# --- connectors and envelopes ------------------------------------------------------------


def connector_for(department: Department) -> ConnectorConfig:
    """Return the department's connector settings, creating the default worklist ones."""
    config = ConnectorConfig.objects.filter(department=department).first()
    if config is not None:
        return config
    kind = department.connector_kind
    if kind not in ConnectorKind.values:
        kind = ConnectorKind.WORKLIST
    config, _created = ConnectorConfig.objects.get_or_create(
        department=department,
        defaults={"centre_id": department.centre_id, "kind": kind},
    )
    return config


def save_connector_config(*, actor: Any, config: ConnectorConfig) -> ConnectorConfig:
    """Save a department admin's connector settings and audit the change (no key values)."""
    with transaction.atomic():
        config.centre_id = config.department.centre_id
        config.save()
        record_event(
            actor=actor,
            actor_role=Role.DEPARTMENT_ADMIN,
            verb="exchange.connector_configured",
            object_type="connector",
            object_id=config.pk,
            centre=config.department.centre,
            data={"department_id": config.department_id, "kind": config.kind},
        )
    log.info(
        "connector.configured",
        department_id=config.department_id,
        centre_id=config.centre_id,
        connector=config.kind,
    )
    return config


def prepare_envelope(*, case: Case, idempotency_key: str) -> Envelope:
    """Return the envelope for an idempotency key, building and signing it the first time.

    The envelope, its ledger entry and the audit event are written in one transaction,
    so a delivery that is retried sends the same envelope id and signature again.
    """
    existing = Envelope.objects.filter(
        centre=case.centre, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _create_envelope(case, idempotency_key)
    except IntegrityError:
        # Another worker created it first, after its lease on the message expired.
        return Envelope.objects.get(centre=case.centre, idempotency_key=idempotency_key)


def _create_envelope(case: Case, idempotency_key: str) -> Envelope:
    config = connector_for(case.department)
    body = build_envelope(case, config, idempotency_key=idempotency_key)
    digest = envelope_digest(body)
    envelope = Envelope.objects.create(
        id=body["envelope_id"],
        centre=case.centre,
        case=case,
        department=case.department,
        connector_kind=config.kind,
        idempotency_key=idempotency_key,
        body=body,
        signature=sign_document(case.centre, body),
        sha256=digest,
    )
    queue_entry(
        "exchange.envelope",
        {
            "envelope_id": str(envelope.pk),
            "case_number": case.number,
            "department_id": case.department_id,
            "connector": config.kind,
            "sha256": digest,
        },
        centre=case.centre,
    )
    record_event(
        actor=None,
        actor_role=SYSTEM,
        verb="exchange.envelope_created",
        object_type="envelope",
        object_id=envelope.pk,
        centre=case.centre,
        data={
            "case_id": case.pk,
            "department_id": case.department_id,
            "sha256": digest,
        },
    )
    return envelope


def deliver_envelope(envelope: Envelope, config: ConnectorConfig) -> DeliveryOutcome:
    """Hand an envelope to the department's connector and record the outcome.

    Raises what the connector raises (DeliveryFailed, PermanentFailure), after counting
    the attempt, so that the outbox retries or makes a dead letter.
    """
    ids = {
        "envelope_id": str(envelope.pk),
        "case_id": envelope.case_id,
        "department_id": envelope.department_id,
        "centre_id": envelope.centre_id,
        "connector": config.kind,
    }
    Envelope.objects.filter(pk=envelope.pk).update(attempts=envelope.attempts + 1)
    try:
        outcome = get_connector(config).deliver(envelope)
    except Exception as error:
        log.warning("envelope.delivery_failed", error=str(error)[:300], **ids)
        raise
    now = timezone.now()
    update: dict[str, Any] = {"status": outcome.status}
    if outcome.status in (EnvelopeStatus.DELIVERED, EnvelopeStatus.AWAITING_PULL):
        update["delivered_at"] = now
    Envelope.objects.filter(pk=envelope.pk).exclude(
        status=EnvelopeStatus.ACKNOWLEDGED
    ).update(**update)
    log.info("envelope.delivered", status=outcome.status, **ids)
    return outcome


# --- callbacks ---------------------------------------------------------------------------


def receive_callback(raw: bytes, *, transport: str = "http") -> dict[str, Any]:
    """Verify a department's callback, apply it to the case once, and return the receipt.

    Return {"receipt", "signature", "duplicate"}: a resent callback (same id, same
    content) returns the receipt of the first one, with "duplicate" true. Raises a
    OneStopError with a stable code for every rejection, and leaves the case unchanged.
    """
    callback: dict[str, Any] = {}
    try:
        message = callbacks.parse_callback(raw)
        callback = message["callback"]
        envelope = _envelope_of(callback)
        config = connector_for(envelope.department)
        if not verify_department_signature(config, callback, message["signature"]):
            raise SignatureInvalid(department=envelope.department.uscc)
        duplicate = _stored_callback(envelope, callback)
        if duplicate is not None:
            return _receipt_message(duplicate, duplicate=True)
        callbacks.check_fresh(callback["sent_at"])
        stored = _apply_callback(envelope, message)
    except Exception as error:
        log.warning(
            "callback.rejected",
            code=getattr(error, "code", type(error).__name__),
            transport=transport,
            callback_id=str(callback.get("callback_id", "")),
            envelope_id=str(callback.get("envelope_id", "")),
        )
        raise
    log.info(
        "callback.applied",
        transport=transport,
        callback_id=str(stored.callback_id),
        envelope_id=str(stored.envelope_id),
        case_id=stored.case_id,
        status=stored.status,
    )
    return _receipt_message(stored, duplicate=False)


def _envelope_of(callback: dict[str, Any]) -> Envelope:
    envelope = (
        Envelope.objects.select_related("case", "department", "centre")
        .filter(pk=callback["envelope_id"])
        .first()
    )
    if envelope is None:
        raise UnknownEnvelope(
            envelope_id=callback["envelope_id"], case_number=callback["case_number"]
        )
    if (
        envelope.case.number != callback["case_number"]
        or envelope.department.uscc != callback["department_uscc"]
    ):
        raise CaseMismatch(
            envelope_id=callback["envelope_id"],
            case_number=callback["case_number"],
            department=callback["department_uscc"],
        )
    return envelope


def _stored_callback(
    envelope: Envelope, callback: dict[str, Any]
) -> DepartmentCallback | None:
    stored = DepartmentCallback.objects.filter(
        centre=envelope.centre, callback_id=callback["callback_id"]
    ).first()
    if stored is None:
        return None
    if stored.sha256 != callbacks.content_digest(callback):
        raise CallbackReplayed(callback_id=callback["callback_id"])
    return stored


def _apply_callback(envelope: Envelope, message: dict[str, Any]) -> DepartmentCallback:
    callback = message["callback"]
    digest = callbacks.content_digest(callback)
    try:
        with transaction.atomic():
            case = _apply_to_case(envelope.case, callback)
            return _store_callback(envelope, case, message, digest)
    except IntegrityError:
        # The same callback arrived twice at once and the other request committed first.
        stored = _stored_callback(envelope, callback)
        if stored is None:
            raise
        return stored


def _apply_to_case(case: Case, callback: dict[str, Any]) -> Case:
    status = callback["status"]
    try:
        if status == CallbackStatus.RECEIVED:
            return mark_received(case=case)
        if status == CallbackStatus.CORRECTION_NEEDED:
            return apply_department_correction(case=case, items=callback["items"])
        return case_actions.apply_department_result(
            case=case,
            decision=status,
            opinion=callbacks.decision_opinion(callback),
            result=callback.get("result")
            if status == CallbackStatus.APPROVED
            else None,
        )
    except InvalidTransition as error:
        case.refresh_from_db(fields=["state"])
        raise ResultAlreadyApplied(
            case_number=case.number, state=CaseState(case.state), status=status
        ) from error
    except MissingFaceField as error:
        member = f"callback.result.face.{error.details['key']}"
        raise CallbackFaceFieldMissing(**error.details, member=member) from error
    except (FaceValueInvalid, FaceFieldNotEnterable) as error:
        # The certificate's own checks name the key and the rule. The member path
        # shows the department where in its callback the value was.
        error.details["member"] = f"callback.result.face.{error.details['key']}"
        raise
    except OrganisationCodeRequired as error:
        error.details["member"] = "callback.result.holder_code"
        raise


def _store_callback(
    envelope: Envelope, case: Case, message: dict[str, Any], digest: str
) -> DepartmentCallback:
    callback = message["callback"]
    receipt = callbacks.build_receipt(
        callback, case_state=case.state, callback_sha256=digest
    )
    stored = DepartmentCallback.objects.create(
        centre=envelope.centre,
        callback_id=callback["callback_id"],
        envelope=envelope,
        case=case,
        status=callback["status"],
        body=callback,
        signature=message["signature"],
        sha256=digest,
        receipt=receipt,
        receipt_signature=sign_document(envelope.centre, receipt),
    )
    queue_entry(
        "exchange.receipt",
        {
            "receipt_id": receipt["receipt_id"],
            "callback_id": callback["callback_id"],
            "envelope_id": str(envelope.pk),
            "case_number": case.number,
            "status": callback["status"],
            "callback_sha256": digest,
            "sha256": envelope_digest(receipt),
        },
        centre=envelope.centre,
    )
    record_event(
        actor=None,
        actor_role=SYSTEM,
        verb="exchange.callback_applied",
        object_type="envelope",
        object_id=envelope.pk,
        centre=envelope.centre,
        data={"case_id": case.pk, "callback_id": callback["callback_id"]},
    )
    return stored


def _receipt_message(stored: DepartmentCallback, *, duplicate: bool) -> dict[str, Any]:
    return {
        "receipt": stored.receipt,
        "signature": stored.receipt_signature,
        "duplicate": duplicate,
    }


# --- pull departments --------------------------------------------------------------------


def acknowledge_envelopes(
    *, config: ConnectorConfig, envelope_ids: Iterable[str]
) -> dict[str, list[str]]:
    """Mark envelopes as fetched by the department. Return acknowledged and unknown ids.

    Acknowledging an envelope twice is harmless: it is listed as acknowledged again.
    """
    wanted = {str(uuid.UUID(str(value))) for value in envelope_ids}
    with transaction.atomic():
        rows = Envelope.objects.filter(
            centre_id=config.centre_id,
            department_id=config.department_id,
            pk__in=wanted,
        )
        found = {str(pk) for pk in rows.values_list("pk", flat=True)}
        rows.exclude(status=EnvelopeStatus.ACKNOWLEDGED).update(
            status=EnvelopeStatus.ACKNOWLEDGED, acknowledged_at=timezone.now()
        )
    log.info(
        "envelope.acknowledged",
        department_id=config.department_id,
        count=len(found),
        unknown=len(wanted - found),
    )
    return {"acknowledged": sorted(found), "unknown": sorted(wanted - found)}


# --- dead letters ------------------------------------------------------------------------


def replay_dead_letter(*, actor: Any, message_id: uuid.UUID | str) -> OutboxMessage:
    """Put one dead department dispatch of the supervisor's centre back in the queue.

    Raises DeadLetterReplayed for a dispatch that was replayed before and is no longer
    dead, and NotDeadLetter for one that never was.
    """
    message = (
        OutboxMessage.objects.select_related("centre")
        .filter(pk=message_id, topic=DISPATCH_TOPIC)
        .first()
    )
    if message is None or message.centre is None:
        raise NotFound()
    require_role(actor, SUPERVISING_ROLES, centre=message.centre)
    with transaction.atomic():
        if not outbox.replay(message.pk):
            raise _not_replayable(message)
        record_event(
            actor=actor,
            actor_role=Role.SUPERVISOR,
            verb="exchange.dead_letter_replayed",
            object_type="outbox_message",
            object_id=message.pk,
            centre=message.centre,
            data={
                "case_id": message.payload.get("case_id"),
                "attempts": message.attempts,
            },
        )
    log.info(
        "dead_letter.replayed",
        outbox_id=str(message.pk),
        centre_id=message.centre_id,
        case_id=message.payload.get("case_id"),
    )
    message.refresh_from_db()
    return message


def _not_replayable(message: OutboxMessage) -> Exception:
    """Return the error for a dispatch that is no longer, or never was, a dead letter."""
    message.refresh_from_db(fields=["status"])
    status = OutboxStatus(message.status)
    replayed = (
        AuditEvent.objects.filter(
            centre=message.centre,
            verb="exchange.dead_letter_replayed",
            object_type="outbox_message",
            object_id=str(message.pk),
        )
        .order_by("-at")
        .first()
    )
    if replayed is None:
        return NotDeadLetter(message_id=str(message.pk), status=status)
    return DeadLetterReplayed(
        message_id=str(message.pk),
        replayed_at=timezone.localtime(replayed.at).isoformat(timespec="seconds"),
        status=status,
    )
