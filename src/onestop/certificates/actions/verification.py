"""Checking a certificate for a verifier, with the audit event of each check."""

from __future__ import annotations

from typing import Any

from onestop.certificates import queries
from onestop.certificates.identifiers import (
    CertificateIdCheckFailed,
    InvalidCertificateId,
)
from onestop.certificates.models import Certificate
from onestop.core.audit import record_event
from onestop.core.logging import get_logger

log = get_logger(__name__)


def verify_certificate(
    identifier: str, *, actor: Any, channel: str
) -> queries.Verification:
    """Check a certificate for a verifier and write the audit event of the check.

    `channel` names where the check came from ("page", "api", "command"). An identifier
    that does not parse is audited too, then its InvalidCertificateId is raised again.
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


def _record_check(
    identifier: str,
    certificate: Certificate | None,
    actor: Any,
    channel: str,
    *,
    result: str,
) -> None:
    record_event(
        actor=actor,
        actor_role="verifier",
        verb="certificate.verified",
        object_type="certificate",
        object_id=identifier[:80],
        centre=certificate.centre if certificate else None,
        data={"result": result, "channel": channel},
    )
    log.info(
        "certificate.verified",
        certificate_id=certificate.pk if certificate else None,
        result=result,
        channel=channel,
    )
