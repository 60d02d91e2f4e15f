"""Consents (授权): a subject lets one recipient read their credit report for a purpose.

A consent is handed over as a signed token (see `documents.py`). The token carries the
subject reference, the recipient, the purpose, the expiry and a random nonce that
identifies the stored consent, so the subject can revoke it and each use is counted.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from onestop.core.audit import record_event
from onestop.core.errors import InvalidInput, OneStopError, name_member
from onestop.core.logging import get_logger
from onestop.core.models import Centre
from onestop.core.signing import public_keys_for, sign_document, verify_document
from onestop.credit.documents import CONSENT_TYPE, encode_token, parse_token
from onestop.credit.errors import (
    ConsentFieldMissing,
    ConsentNotFound,
    ExpiryInvalid,
    FieldTooLong,
    TokenExpired,
    TokenKeyUnknown,
    TokenRevoked,
    TokenSignatureInvalid,
    TokenUnknown,
    TokenUsed,
)
from onestop.credit.models import Consent
from onestop.credit.subjects import represented_subjects, subject_of_actor
from onestop.identity.codes import parse_uscc

log = get_logger(__name__)

DEFAULT_MAX_CONSENT_DAYS = 30
_MAX_TEXT = 200


def max_consent_days() -> int:
    """Return the longest consent in days (`ONESTOP_CREDIT_CONSENT_MAX_DAYS`, 30)."""
    return int(
        getattr(settings, "ONESTOP_CREDIT_CONSENT_MAX_DAYS", DEFAULT_MAX_CONSENT_DAYS)
    )


def issue_consent(
    *,
    actor: Any,
    centre: Centre,
    recipient_name: str,
    recipient_uscc: str,
    purpose: str,
    days: int,
    single_use: bool = False,
    enterprise_uscc: str = "",
) -> tuple[Consent, str]:
    """Store a consent of the actor, or of an enterprise they act for, and sign a token.

    Only this call returns the token, because the database keeps the nonce, not the
    token.
    """
    try:
        subject = subject_of_actor(actor, enterprise_uscc)
    except InvalidInput as error:
        raise name_member(error, "enterprise") from None
    recipient_name = _check_text("recipient_name", recipient_name)
    purpose = _check_text("purpose", purpose)
    try:
        recipient_code = parse_uscc(recipient_uscc).code
    except InvalidInput as error:
        raise name_member(error, "recipient_uscc") from None
    if not isinstance(days, int) or not 1 <= days <= max_consent_days():
        raise ExpiryInvalid(days=days, maximum=max_consent_days())
    expires_at = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    nonce = secrets.token_urlsafe(16)

    with transaction.atomic():
        consent = Consent.objects.create(
            centre=centre,
            subject_type=subject.type,
            subject_code=subject.code,
            subject_reference=subject.reference,
            recipient_name=recipient_name,
            recipient_uscc=recipient_code,
            purpose=purpose,
            nonce=nonce,
            expires_at=expires_at,
            single_use=single_use,
            issued_by=actor,
        )
        payload = consent_payload(consent)
        token = encode_token(payload, sign_document(centre, payload))
        _audit(consent, "credit.consent_issued", actor=actor, role="subject")

    log.info("credit.consent_issued", consent_id=consent.pk, centre_id=centre.pk)
    return consent, token


def revoke_consent(consent: Consent, *, actor: Any) -> Consent:
    """Revoke a consent so that its token no longer opens a report.

    Revoking a revoked consent changes nothing.
    """
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is None:
            consent.revoked_at = timezone.now()
            consent.save(update_fields=["revoked_at"])
            _audit(consent, "credit.consent_revoked", actor=actor, role="subject")
    log.info("credit.consent_revoked", consent_id=consent.pk)
    return consent


def consents_of(actor: Any) -> list[Consent]:
    """Return the consents of every subject the actor represents, newest first."""
    references = [subject.reference for subject in represented_subjects(actor)]
    return list(
        Consent.objects.filter(subject_reference__in=references).order_by(
            "-issued_at", "-pk"
        )
    )


def get_consent_for(actor: Any, consent_id: int) -> Consent:
    """Return one of the actor's consents or raise ConsentNotFound."""
    references = [subject.reference for subject in represented_subjects(actor)]
    consent = Consent.objects.filter(
        pk=consent_id, subject_reference__in=references
    ).first()
    if consent is None:
        raise ConsentNotFound(consent_id=consent_id)
    return consent


def consent_payload(consent: Consent) -> dict[str, Any]:
    """Build the signed payload of a consent token."""
    return {
        "type": CONSENT_TYPE,
        "centre": consent.centre.region_code,
        "subject": consent.subject_reference,
        "subject_type": consent.subject_type,
        "recipient": {"name": consent.recipient_name, "uscc": consent.recipient_uscc},
        "purpose": consent.purpose,
        "expires_at": consent.expires_at.isoformat(),
        "nonce": consent.nonce,
        "single_use": consent.single_use,
    }


def use_consent(token: Any) -> Consent:
    """Check a token and count one use of its consent, or raise why it is refused.

    A refused use of a stored consent is audited too, in its own transaction, so the
    audit survives the error.
    """
    parsed = parse_token(token)
    centre = _verified_centre(parsed.payload, parsed.signature)
    now = timezone.now()

    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(centre=centre, nonce=parsed.payload["nonce"])
            .first()
        )
        if consent is None:
            raise TokenUnknown(centre=centre.region_code)
        error = _refusal(consent, now)
        if error is None:
            consent.use_count += 1
            consent.last_used_at = now
            consent.save(update_fields=["use_count", "last_used_at"])
            _audit(consent, "credit.consent_used", actor=None, role="recipient")
        else:
            _audit(
                consent,
                "credit.consent_refused",
                actor=None,
                role="recipient",
                extra={"code": error.code},
            )

    if error is not None:
        log.info("credit.consent_refused", consent_id=consent.pk, code=error.code)
        raise error
    log.info("credit.consent_used", consent_id=consent.pk, centre_id=centre.pk)
    return consent


def _verified_centre(payload: dict[str, Any], signature: dict[str, str]) -> Centre:
    centre = Centre.objects.filter(region_code=payload["centre"][:6]).first()
    if centre is None:
        raise TokenSignatureInvalid(centre=payload["centre"][:6])
    keys = public_keys_for(centre)
    if signature["kid"] not in keys:
        raise TokenKeyUnknown(centre=centre.region_code, key_id=signature["kid"])
    if not verify_document(payload, signature, keys):
        raise TokenSignatureInvalid(centre=centre.region_code)
    return centre


def _refusal(consent: Consent, now: dt.datetime) -> OneStopError | None:
    if consent.revoked_at is not None:
        return TokenRevoked(revoked_at=consent.revoked_at)
    if now >= consent.expires_at:
        return TokenExpired(expires_at=consent.expires_at)
    if consent.single_use and consent.use_count > 0:
        return TokenUsed(used_at=consent.last_used_at or "")
    return None


def _check_text(field: str, value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ConsentFieldMissing(field=field)
    if len(text) > _MAX_TEXT:
        raise FieldTooLong(field=field, length=len(text), maximum=_MAX_TEXT)
    return text


def _audit(
    consent: Consent,
    verb: str,
    *,
    actor: Any,
    role: str,
    extra: dict[str, Any] | None = None,
) -> None:
    record_event(
        actor=actor,
        actor_role=role,
        verb=verb,
        object_type="credit_consent",
        object_id=consent.pk,
        centre=consent.centre,
        data={"recipient_uscc": consent.recipient_uscc, **(extra or {})},
    )
