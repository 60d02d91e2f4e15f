"""Checking a certificate for a verifier, with the audit event of each check."""

from __future__ import annotations

from typing import Any

from onestop.certificates import queries
from onestop.certificates.identifiers import (
    CertificateIdCheckFailed,
    InvalidCertificateId,
    normalise_identifier,
)
from onestop.certificates.models import Certificate
from onestop.core.audit import record_event
from onestop.core.ledger.actions import subject_reference
from onestop.core.logging import get_logger

log = get_logger(__name__)


def verify_certificate(
    identifier: str, *, actor: Any, channel: str
) -> queries.Verification:
    """Check a certificate for a verifier and write the audit event of the check.

    `channel` names where the check came from ("page", "api", "command"). An identifier
    that does not parse is audited too, then its InvalidCertificateId is raised again.

    The event names a stored certificate by its identifier. Any other text, unknown or
    malformed, is stored only as its keyed hash (`audited_text_reference`), because
    anyone can send it without signing in, and it may be an ID number.
    """
    try:
        verification = queries.find_verification(identifier)
    except (InvalidCertificateId, CertificateIdCheckFailed):
        _record_check(identifier, None, actor, channel, result="invalid_identifier")
        raise

    _record_check(
        verification.identifier,
        verification.certificate,
        actor,
        channel,
        result=verification.result,
    )
    return verification


def audited_text_reference(text: str) -> str:
    """Return the audit object id of a checked text that names no certificate.

    The id is the ledger's keyed hash (`subject_reference`, HMAC-SHA256 in hex) of the
    text as parsing reads it. So the audit table stores no ID number or other text
    from an unauthenticated sender, and an auditor who has the text can find its checks.
    """
    return subject_reference(normalise_identifier(text))


def _record_check(
    identifier: str,
    certificate: Certificate | None,
    actor: Any,
    channel: str,
    *,
    result: str,
) -> None:
    if certificate is None:
        object_id = audited_text_reference(identifier)
    else:
        object_id = certificate.identifier
    record_event(
        actor=actor,
        actor_role="verifier",
        verb="certificate.verified",
        object_type="certificate",
        object_id=object_id,
        centre=certificate.centre if certificate else None,
        data={"result": result, "channel": channel},
    )
    log.info(
        "certificate.verified",
        certificate_id=certificate.pk if certificate else None,
        result=result,
        channel=channel,
    )
