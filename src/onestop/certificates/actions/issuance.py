"""Issuing a new certificate, and the steps that issuance and renewal share."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onestop.certificates.errors import (
    HolderHasValidCertificate,
    InvalidValidity,
    IssuerMismatch,
    MissingFaceField,
    UnknownFaceField,
)
from onestop.certificates.identifiers import build_identifier
from onestop.certificates.models import (
    Certificate,
    CertificateCounter,
    CertificateStatus,
    CertificateType,
    HolderKind,
)
from onestop.certificates.validity import default_valid_until
from onestop.core.errors import listed_choices
from onestop.core.models import Department
from onestop.core.signing import sign_document
from onestop.identity.codes import parse_resident_id, parse_uscc

from .shared import check_issuer_role, record

DOCUMENT_FORMAT = "onestop.certificate/1"
# Face fields that the certificate itself fixes, filled in by `derived_face`.
DERIVED_FACE_KEYS = frozenset(
    {
        "holder_name",
        "holder_id_number",
        "holder_uscc",
        "issuing_authority",
        "valid_from",
        "valid_until",
    }
)


def issue_certificate(
    *,
    actor: Any,
    certificate_type: CertificateType,
    issuer: Department,
    holder_code: str,
    holder_name: str,
    face: Mapping[str, str] | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    case_number: str = "",
) -> Certificate:
    """Issue version 001 of a new certificate under a fresh serial of the issuer.

    `valid_until` defaults to the end of the type's validity from `valid_from` (see
    `default_valid_until`), or no expiry when the type is long-term. Raises
    MissingFaceField, UnknownFaceField, InvalidValidity, IssuerMismatch,
    HolderHasValidCertificate for a type with `one_valid_per_holder`, the resident ID
    and USCC errors of `onestop.identity.codes`, or a permission error.
    """
    with transaction.atomic():
        role = check_issuer_role(actor, issuer)
        if certificate_type.centre_id != issuer.centre_id:
            raise IssuerMismatch(issuer=issuer.name, type=certificate_type.name)

        holder_code = check_holder_code(certificate_type.holder_kind, holder_code)
        if certificate_type.one_valid_per_holder:
            current = valid_certificate_of(certificate_type, holder_code)
            if current is not None:
                raise HolderHasValidCertificate(
                    type=certificate_type.name, identifier=current.identifier
                )
        start = valid_from or timezone.localdate()
        end = valid_until or default_valid_until(certificate_type, holder_code, start)
        check_validity(start, end)
        derived = derived_face(holder_code, holder_name, issuer, start, end)
        face_values = check_face(certificate_type, face or {}, derived)

        certificate = create_version(
            actor=actor,
            certificate_type=certificate_type,
            issuer=issuer,
            serial=next_serial(issuer),
            version=1,
            holder_code=holder_code,
            holder_name=holder_name.strip(),
            face=face_values,
            valid_from=start,
            valid_until=end,
            case_number=case_number,
            previous=None,
        )
        record(certificate, actor, role, "certificate.issued")
    return certificate


def valid_certificate_of(
    certificate_type: CertificateType, holder_code: str
) -> Certificate | None:
    """Return the holder's latest valid certificate of the type, locking the type row.

    The lock serialises issuance of the type in the centre, so two approvals at once
    cannot both find no valid certificate and issue two.
    """
    CertificateType.objects.select_for_update().filter(pk=certificate_type.pk).first()
    return (
        Certificate.objects.filter(
            centre_id=certificate_type.centre_id,
            certificate_type=certificate_type,
            holder_code=check_holder_code(certificate_type.holder_kind, holder_code),
            status=CertificateStatus.VALID,
        )
        .order_by("-issued_at", "-pk")
        .first()
    )


def check_holder_code(kind: str, code: str) -> str:
    """Return the normalised holder code, or raise the identity error of its rule."""
    if kind == HolderKind.PERSON:
        return parse_resident_id(code).number
    return parse_uscc(code).code


def derived_face(
    holder_code: str,
    holder_name: str,
    issuer: Department,
    start: datetime.date,
    end: datetime.date | None,
) -> dict[str, str]:
    """Return the values of the standard face fields that the certificate itself fixes.

    Catalogue packs name these fields the same way in every certificate type, so a
    caller passes only the fields that come from the application or the decision. A
    key that the type does not define is dropped by `check_face`.
    """
    return {
        "holder_name": holder_name,
        "holder_id_number": holder_code,
        "holder_uscc": holder_code,
        "issuing_authority": issuer.name,
        "valid_from": start.isoformat(),
        "valid_until": end.isoformat() if end else "",
    }


def check_face(
    certificate_type: CertificateType,
    supplied: Mapping[str, str],
    derived: Mapping[str, str],
) -> dict[str, str]:
    """Merge supplied face values over the derived ones and check them for the type.

    A supplied key that the type does not define raises UnknownFaceField, while derived
    keys the type does not define are dropped. A type without face fields accepts any
    supplied keys.
    """
    fields = {field["key"]: field for field in certificate_type.face_fields}
    values = {key: value for key, value in derived.items() if key in fields}
    values.update({str(key): str(value).strip() for key, value in supplied.items()})

    unknown = sorted(set(values) - set(fields))
    if fields and unknown:
        raise UnknownFaceField(
            type=certificate_type.name,
            key=unknown[0],
            known=listed_choices(
                (key, field.get("label", key)) for key, field in fields.items()
            ),
        )
    for key, field in fields.items():
        if field.get("required") and not values.get(key):
            raise MissingFaceField(
                label=field.get("label", key), key=key, type=certificate_type.name
            )
    return values


def check_validity(start: datetime.date, end: datetime.date | None) -> None:
    if end is not None and end < start:
        raise InvalidValidity(valid_from=start.isoformat(), valid_until=end.isoformat())


def next_serial(issuer: Department) -> str:
    """Return the issuer's next serial of today: YYYYMMDD and a 4-digit counter."""
    today = timezone.localdate()
    counter, _created = CertificateCounter.objects.select_for_update().get_or_create(
        centre_id=issuer.centre_id, issuer=issuer, day=today
    )
    CertificateCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{today:%Y%m%d}{counter.last:04d}"


def create_version(
    *,
    actor: Any,
    certificate_type: CertificateType,
    issuer: Department,
    serial: str,
    version: int,
    holder_code: str,
    holder_name: str,
    face: dict[str, str],
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    case_number: str,
    previous: Certificate | None,
) -> Certificate:
    identifier = build_identifier(certificate_type.code, issuer.uscc, serial, version)
    issued_at = timezone.now()
    document = {
        "format": DOCUMENT_FORMAT,
        "identifier": identifier,
        "type": {"code": certificate_type.code, "name": certificate_type.name},
        "issuer": {"uscc": issuer.uscc, "name": issuer.name},
        "holder": {
            "kind": certificate_type.holder_kind,
            "code": holder_code,
            "name": holder_name,
        },
        "face": face,
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "issued_at": issued_at.isoformat(),
        "previous": previous.identifier if previous else None,
    }

    return Certificate.objects.create(
        centre_id=issuer.centre_id,
        identifier=identifier,
        certificate_type=certificate_type,
        issuer=issuer,
        serial=serial,
        version=version,
        holder_kind=certificate_type.holder_kind,
        holder_code=holder_code,
        holder_name=holder_name,
        face=face,
        valid_from=valid_from,
        valid_until=valid_until,
        issued_at=issued_at,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        case_number=case_number,
        previous=previous,
        document=document,
        signature=sign_document(issuer.centre, document),
    )
