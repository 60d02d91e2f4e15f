"""Verifying and applying the callbacks of department systems."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from onestop.cases import actions as case_actions
from onestop.cases.models import Case, CaseState
from onestop.cases.results import (
    FaceFieldNotEnterable,
    HolderCodeRegistered,
    OrganisationCodeRequired,
)
from onestop.certificates.errors import MissingFaceField
from onestop.certificates.faces import FaceValueInvalid
from onestop.core.audit import record_event
from onestop.core.errors import InvalidTransition
from onestop.core.ledger.actions import queue_entry
from onestop.core.logging import get_logger
from onestop.core.signing import sign_document
from onestop.exchange import callbacks
from onestop.exchange.actions.dispatch import SYSTEM, connector_for
from onestop.exchange.case_results import apply_department_correction, mark_received
from onestop.exchange.envelopes import envelope_digest
from onestop.exchange.errors import (
    CallbackFaceFieldMissing,
    CallbackReplayed,
    CaseMismatch,
    ResultAlreadyApplied,
    SignatureInvalid,
    UnknownEnvelope,
)
from onestop.exchange.models import (
    CallbackStatus,
    DepartmentCallback,
    Envelope,
)
from onestop.exchange.signatures import verify_department_signature

log = get_logger(__name__)


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
    except (OrganisationCodeRequired, HolderCodeRegistered) as error:
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
