"""Renewing a certificate: the next version supersedes the holder's valid one."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from onestop.certificates.errors import CertificateAction, VersionLimitReached
from onestop.certificates.identifiers import MAX_VERSION
from onestop.certificates.models import Certificate, CertificateStatus, CertificateType
from onestop.certificates.validity import default_valid_until
from onestop.core.models import Department

from .issuance import (
    DERIVED_FACE_KEYS,
    check_face,
    check_validity,
    create_version,
    derived_face,
    issue_certificate,
    next_serial,
    valid_certificate_of,
)
from .shared import check_issuer_role, check_valid, lock, record


def renew_certificate(
    certificate: Certificate,
    *,
    actor: Any,
    valid_until: datetime.date | None = None,
    face: Mapping[str, str] | None = None,
    case_number: str = "",
    holder_name: str | None = None,
) -> Certificate:
    """Issue the next version of a valid certificate and mark the old one superseded.

    The new version keeps the serial and the holder code, takes `face` values over the
    old ones and `holder_name` over the old name, and is valid from today. Raises
    CertificateNotValid, VersionLimitReached and the errors of `issue_certificate`.
    """
    with transaction.atomic():
        return _supersede_with_next(
            certificate,
            actor=actor,
            issuer=None,
            holder_name=holder_name,
            face=face,
            valid_until=valid_until,
            case_number=case_number,
        )


def issue_or_renew_certificate(
    *,
    actor: Any,
    certificate_type: CertificateType,
    issuer: Department,
    holder_code: str,
    holder_name: str,
    face: Mapping[str, str] | None = None,
    case_number: str = "",
) -> Certificate:
    """Issue a certificate, or the next version of the holder's valid one.

    For a type with `one_valid_per_holder`, a holder's valid certificate of the type is
    superseded by the new one, which links to it as `previous`. Otherwise, and when the
    holder has none, this is `issue_certificate`. Raises the errors of
    `issue_certificate` and `renew_certificate`.
    """
    with transaction.atomic():
        current: Certificate | None = None
        if certificate_type.one_valid_per_holder:
            current = valid_certificate_of(certificate_type, holder_code)
        if current is None:
            return issue_certificate(
                actor=actor,
                certificate_type=certificate_type,
                issuer=issuer,
                holder_code=holder_code,
                holder_name=holder_name,
                face=face,
                case_number=case_number,
            )
        return _supersede_with_next(
            current,
            actor=actor,
            issuer=issuer,
            holder_name=holder_name,
            face=face,
            valid_until=None,
            case_number=case_number,
        )


def _supersede_with_next(
    certificate: Certificate,
    *,
    actor: Any,
    issuer: Department | None,
    holder_name: str | None,
    face: Mapping[str, str] | None,
    valid_until: datetime.date | None,
    case_number: str,
) -> Certificate:
    """Supersede a valid certificate with a new one that links to it as `previous`.

    Without `issuer`, or with the old certificate's own, the new one is the next version
    of the same serial. Another issuer cannot continue that serial, because serials and
    versions belong to the issuer in the identifier, so it starts version 001 of a serial
    of its own. The holder still keeps one valid certificate of the type.
    """
    old = lock(certificate)
    issuer = issuer or old.issuer
    role = check_issuer_role(actor, issuer)
    check_valid(old, action=CertificateAction.RENEW)
    if issuer.pk == old.issuer_id:
        if old.version >= MAX_VERSION:
            raise VersionLimitReached(identifier=old.identifier)
        serial, version = old.serial, old.version + 1
    else:
        serial, version = next_serial(issuer), 1

    certificate_type = old.certificate_type
    start = timezone.localdate()
    end = valid_until or default_valid_until(certificate_type, old.holder_code, start)
    check_validity(start, end)
    name = holder_name.strip() if holder_name else old.holder_name
    derived = derived_face(old.holder_code, name, issuer, start, end)
    supplied = {**_without_derived(old.face), **(face or {})}
    face_values = check_face(certificate_type, supplied, derived)

    _supersede(old, actor=actor, role=role)
    renewed = create_version(
        actor=actor,
        certificate_type=certificate_type,
        issuer=issuer,
        serial=serial,
        version=version,
        holder_code=old.holder_code,
        holder_name=name,
        face=face_values,
        valid_from=start,
        valid_until=end,
        case_number=case_number or old.case_number,
        previous=old,
    )
    record(renewed, actor, role, "certificate.renewed")
    return renewed


def _without_derived(face: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in face.items() if key not in DERIVED_FACE_KEYS}


def _supersede(certificate: Certificate, *, actor: Any, role: str) -> None:
    """Mark a certificate superseded and record it, so its proof shows the new status."""
    certificate.status = CertificateStatus.SUPERSEDED
    certificate.status_changed_at = timezone.now()
    certificate.save(update_fields=["status", "status_changed_at"])
    record(certificate, actor, role, "certificate.superseded")
