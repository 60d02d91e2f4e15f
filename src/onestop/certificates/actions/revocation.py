"""Revoking a certificate (吊销 or 注销), with the reason checked and kept."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from onestop.certificates.errors import (
    CertificateAction,
    ReasonInvalid,
    ReasonRequired,
)
from onestop.certificates.models import Certificate, CertificateStatus
from onestop.core.errors import code_point
from onestop.core.models import Role

from .shared import check_issuer_role, check_valid, lock, record

# Revoking ends a certificate that the holder relies on, so only an admin of the issuing
# department or of the centre may do it, not the reviewer who issued it.
REVOKER_ROLES = (Role.DEPARTMENT_ADMIN, Role.CENTRE_ADMIN)


def revoke_certificate(
    certificate: Certificate, *, actor: Any, reason: str
) -> Certificate:
    """Revoke a valid certificate (吊销 or 注销), which stays listed but fails checks.

    The actor must be a department admin of the issuing department or a centre admin
    of its centre. Raises a permission error, ReasonRequired or CertificateNotValid.
    """
    with transaction.atomic():
        locked = lock(certificate)
        role = check_issuer_role(actor, locked.issuer, roles=REVOKER_ROLES)
        if not reason or not reason.strip():
            raise ReasonRequired(identifier=locked.identifier)
        reason = _check_reason(locked.identifier, reason.strip())
        check_valid(locked, action=CertificateAction.REVOKE)

        locked.status = CertificateStatus.REVOKED
        locked.status_changed_at = timezone.now()
        locked.revocation_reason = reason
        locked.save(update_fields=["status", "status_changed_at", "revocation_reason"])
        record(locked, actor, role, "certificate.revoked")
    return locked


MAX_REASON_LENGTH = 500


def _check_reason(identifier: str, reason: str) -> str:
    """Return the reason if it has at most MAX_REASON_LENGTH printable characters."""
    hidden = [character for character in reason if not character.isprintable()]
    if len(reason) > MAX_REASON_LENGTH or hidden:
        found = f" ({code_point(hidden[0])})" if hidden else ""
        raise ReasonInvalid(
            identifier=identifier,
            max=MAX_REASON_LENGTH,
            length=len(reason),
            found=found,
        )
    return reason
