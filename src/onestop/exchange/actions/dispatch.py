"""Connector settings, and building, signing and delivering envelopes."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from onestop.cases.models import Case
from onestop.core.audit import record_event
from onestop.core.ledger.actions import queue_entry
from onestop.core.logging import get_logger
from onestop.core.models import (
    Department,
    Role,
)
from onestop.core.signing import sign_document
from onestop.exchange.connectors import DeliveryOutcome, get_connector
from onestop.exchange.envelopes import build_envelope, envelope_digest
from onestop.exchange.models import (
    ConnectorConfig,
    ConnectorKind,
    Envelope,
    EnvelopeStatus,
)

log = get_logger(__name__)

SYSTEM = "system"
DISPATCH_TOPIC = "exchange.dispatch"


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
