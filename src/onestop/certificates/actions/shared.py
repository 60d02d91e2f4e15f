"""Steps that several certificate actions share.

They are the issuer's role check, the row lock, the status check, and the audit event
and ledger entry of each state change.
"""

from __future__ import annotations

from typing import Any

from onestop.certificates.errors import CertificateNotValid
from onestop.certificates.models import Certificate, CertificateStatus
from onestop.core.audit import record_event
from onestop.core.canonical import canonical_json, sha256_hex
from onestop.core.ledger.actions import queue_entry
from onestop.core.logging import get_logger
from onestop.core.models import Department, Role
from onestop.core.permissions import require_role

log = get_logger(__name__)

SYSTEM = "system"
ISSUER_ROLES = (Role.REVIEWER, Role.DEPARTMENT_ADMIN, Role.CENTRE_ADMIN)


def check_issuer_role(
    actor: Any, issuer: Department, *, roles: tuple[str, ...] = ISSUER_ROLES
) -> str:
    if actor is None:
        return SYSTEM
    membership = require_role(actor, roles, centre=issuer.centre, department=issuer)
    return membership.role


def check_valid(certificate: Certificate, *, action: object) -> None:
    if certificate.status != CertificateStatus.VALID:
        raise CertificateNotValid(
            identifier=certificate.identifier,
            status=CertificateStatus(certificate.status),
            action=action,
        )


def lock(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update()
        .select_related("certificate_type", "issuer", "centre")
        .get(pk=certificate.pk)
    )


def record(certificate: Certificate, actor: Any, role: str, verb: str) -> None:
    """Write the audit event, queue the ledger entry and log one state change."""
    record_event(
        actor=actor,
        actor_role=role,
        verb=verb,
        object_type="certificate",
        object_id=certificate.identifier,
        centre=certificate.centre,
        data={"certificate_id": certificate.pk, "case_number": certificate.case_number},
    )
    # The ledger entry stores hashes, not the identifier, because an issuer code made
    # only of digits can also be a valid resident ID number, which the ledger's
    # personal-data check rejects.
    entry = queue_entry(
        verb,
        {
            "identifier_sha256": sha256_hex(certificate.identifier.encode()),
            "document_sha256": sha256_hex(canonical_json(certificate.document)),
            "status": certificate.status,
        },
        centre=certificate.centre,
    )
    Certificate.objects.filter(pk=certificate.pk).update(ledger_entry_id=entry.pk)
    certificate.ledger_entry_id = entry.pk
    log.info(
        verb,
        certificate_id=certificate.pk,
        centre_id=certificate.centre_id,
        type_code=certificate.certificate_type.code,
        version=certificate.version,
    )
