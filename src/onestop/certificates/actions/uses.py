"""Recording that a case uses a valid certificate as one of its materials (用证)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from onestop.certificates import queries
from onestop.certificates.errors import CertificateNotUsable, HolderMismatch
from onestop.certificates.models import CertificateUse
from onestop.core.audit import record_event
from onestop.core.logging import get_logger
from onestop.core.models import Centre

log = get_logger(__name__)


def use_certificate(
    identifier: str,
    *,
    actor: Any,
    centre: Centre,
    case_number: str,
    material_key: str,
    actor_role: str,
    holder_code: str | None = None,
    material_name: str = "",
) -> CertificateUse:
    """Record that a case of `centre` uses a certificate as a material (用证).

    The certificate may come from any centre, but it must be valid today and, when
    `holder_code` is given, belong to that holder. The caller has already checked that
    `actor`, in the role `actor_role` ("applicant", "clerk", ...), may act on the case.
    `material_name` is the name of the material `material_key` in the case's matter.
    Raises CertificateNotUsable, HolderMismatch, or the errors of `parse_identifier`.
    """
    with transaction.atomic():
        verification = queries.find_verification(identifier)
        certificate = verification.certificate
        if certificate is None or not verification.is_valid:
            raise CertificateNotUsable(
                identifier=verification.identifier, result=verification.result
            )
        if (
            holder_code is not None
            and holder_code.strip().upper() != certificate.holder_code
        ):
            raise HolderMismatch(identifier=certificate.identifier)

        use = CertificateUse.objects.create(
            centre=centre,
            certificate=certificate,
            case_number=case_number,
            material_key=material_key,
            material_name=material_name,
            used_by=actor if getattr(actor, "is_authenticated", False) else None,
            used_by_role=actor_role,
        )
        record_event(
            actor=actor,
            actor_role=actor_role,
            verb="certificate.used",
            object_type="certificate",
            object_id=certificate.identifier,
            centre=centre,
            data={"case_number": case_number, "material_key": material_key},
        )
    log.info(
        "certificate.used",
        certificate_id=certificate.pk,
        centre_id=centre.pk,
        material_key=material_key,
    )
    return use
