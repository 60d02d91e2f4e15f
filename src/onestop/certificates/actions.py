"""Every state change of certificates, one function each.

Each action runs in one transaction, checks the caller's role, signs what it issues
with the centre's key, and writes the audit event and the ledger entry in that
transaction.
`actor=None` is the platform itself, for example a department system that returns a
result through a connector, and skips the role check.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from onestop.certificates import queries
from onestop.certificates.errors import (
    CertificateNotUsable,
    CertificateNotValid,
    HolderHasValidCertificate,
    HolderMismatch,
    InvalidValidity,
    IssuerMismatch,
    MissingFaceField,
    ReasonInvalid,
    ReasonRequired,
    UnknownFaceField,
    VersionLimitReached,
)
from onestop.certificates.identifiers import (
    MAX_VERSION,
    CertificateIdCheckFailed,
    InvalidCertificateId,
    build_identifier,
)
from onestop.certificates.models import (
    Certificate,
    CertificateCounter,
    CertificateStatus,
    CertificateType,
    CertificateUse,
    HolderKind,
)
from onestop.certificates.validity import default_valid_until
from onestop.core.audit import record_event
from onestop.core.canonical import canonical_json, sha256_hex
from onestop.core.errors import choices_text, code_point
from onestop.core.ledger.actions import queue_entry
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Department, Role
from onestop.core.permissions import require_role
from onestop.core.signing import sign_document
from onestop.identity.codes import parse_resident_id, parse_uscc

log = get_logger(__name__)

SYSTEM = "system"
ISSUER_ROLES = (Role.REVIEWER, Role.DEPARTMENT_ADMIN, Role.CENTRE_ADMIN)
# Revoking ends a certificate that the holder relies on, so only an admin of the issuing
# department or of the centre may do it, not the reviewer who issued it.
REVOKER_ROLES = (Role.DEPARTMENT_ADMIN, Role.CENTRE_ADMIN)
DOCUMENT_FORMAT = "onestop.certificate/1"
# Face fields that the certificate itself fixes, filled in by `_derived_face`.
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
        role = _check_issuer_role(actor, issuer)
        if certificate_type.centre_id != issuer.centre_id:
            raise IssuerMismatch(issuer=issuer.name, type=certificate_type.name)

        holder_code = _check_holder_code(certificate_type.holder_kind, holder_code)
        if certificate_type.one_valid_per_holder:
            current = _valid_certificate_of(certificate_type, holder_code)
            if current is not None:
                raise HolderHasValidCertificate(
                    type=certificate_type.name, identifier=current.identifier
                )
        start = valid_from or timezone.localdate()
        end = valid_until or default_valid_until(certificate_type, holder_code, start)
        _check_validity(start, end)
        derived = _derived_face(holder_code, holder_name, issuer, start, end)
        face_values = _check_face(certificate_type, face or {}, derived)

        certificate = _create_version(
            actor=actor,
            certificate_type=certificate_type,
            issuer=issuer,
            serial=_next_serial(issuer),
            version=1,
            holder_code=holder_code,
            holder_name=holder_name.strip(),
            face=face_values,
            valid_from=start,
            valid_until=end,
            case_number=case_number,
            previous=None,
        )
        _record(certificate, actor, role, "certificate.issued")
    return certificate


def revoke_certificate(
    certificate: Certificate, *, actor: Any, reason: str
) -> Certificate:
    """Revoke a valid certificate (吊销 or 注销), which stays listed but fails checks.

    The actor must be a department admin of the issuing department or a centre admin
    of its centre. Raises a permission error, ReasonRequired or CertificateNotValid.
    """
    with transaction.atomic():
        locked = _lock(certificate)
        role = _check_issuer_role(actor, locked.issuer, roles=REVOKER_ROLES)
        if not reason or not reason.strip():
            raise ReasonRequired(identifier=locked.identifier)
        reason = _check_reason(locked.identifier, reason.strip())
        _check_valid(locked, action=pgettext_lazy("certificate action", "revoked"))

        locked.status = CertificateStatus.REVOKED
        locked.status_changed_at = timezone.now()
        locked.revocation_reason = reason
        locked.save(update_fields=["status", "status_changed_at", "revocation_reason"])
        _record(locked, actor, role, "certificate.revoked")
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
            current = _valid_certificate_of(certificate_type, holder_code)
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


def _valid_certificate_of(
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
            holder_code=_check_holder_code(certificate_type.holder_kind, holder_code),
            status=CertificateStatus.VALID,
        )
        .order_by("-issued_at", "-pk")
        .first()
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
    old = _lock(certificate)
    issuer = issuer or old.issuer
    role = _check_issuer_role(actor, issuer)
    _check_valid(old, action=pgettext_lazy("certificate action", "renewed"))
    if issuer.pk == old.issuer_id:
        if old.version >= MAX_VERSION:
            raise VersionLimitReached(identifier=old.identifier)
        serial, version = old.serial, old.version + 1
    else:
        serial, version = _next_serial(issuer), 1

    certificate_type = old.certificate_type
    start = timezone.localdate()
    end = valid_until or default_valid_until(certificate_type, old.holder_code, start)
    _check_validity(start, end)
    name = holder_name.strip() if holder_name else old.holder_name
    derived = _derived_face(old.holder_code, name, issuer, start, end)
    supplied = {**_without_derived(old.face), **(face or {})}
    face_values = _check_face(certificate_type, supplied, derived)

    _supersede(old, actor=actor, role=role)
    renewed = _create_version(
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
    _record(renewed, actor, role, "certificate.renewed")
    return renewed


def sync_certificate_types(
    *, actor: Any, centre: Centre, entries: Iterable[Mapping[str, Any]]
) -> list[CertificateType]:
    """Create or update the centre's certificate types from catalogue pack entries.

    Each entry has the pack's fields: code, name, defining_body, issuing_department (a
    department role key of the centre), holder_kind ("111" or "001"), validity ({"rule":
    "years", "years": n}, {"rule": "by_age", "terms": [{"below_age", "years"}]},
    "long_term" or "varies"), face_fields and the optional one_valid_per_holder
    (default false). Types missing from `entries` are left as
    they are, because certificates may still refer to them.
    """
    role = _check_centre_admin(actor, centre)
    departments = {
        department.role_key: department
        for department in Department.objects.for_centre(centre)
    }

    with transaction.atomic():
        synced = []
        for entry in entries:
            validity = entry.get("validity") or {}
            years = validity.get("years") if validity.get("rule") == "years" else None
            by_age = validity.get("terms") if validity.get("rule") == "by_age" else None
            certificate_type, _created = CertificateType.objects.update_or_create(
                centre=centre,
                code=str(entry["code"]),
                defaults={
                    "name": str(entry["name"]),
                    "defining_body": str(entry.get("defining_body", "")),
                    "holder_kind": str(entry.get("holder_kind", HolderKind.PERSON)),
                    "validity_years": int(years) if years else None,
                    "validity_by_age": [
                        {
                            "below_age": int(term["below_age"]),
                            "years": int(term["years"]),
                        }
                        for term in by_age or []
                    ],
                    "face_fields": list(entry.get("face_fields") or []),
                    "one_valid_per_holder": bool(
                        entry.get("one_valid_per_holder", False)
                    ),
                    "issuing_department": departments.get(
                        str(entry.get("issuing_department", ""))
                    ),
                },
            )
            synced.append(certificate_type)

        record_event(
            actor=actor,
            actor_role=role,
            verb="certificate_types.synced",
            object_type="centre",
            object_id=centre.pk,
            centre=centre,
            data={"count": len(synced)},
        )
    log.info("certificate_types.synced", centre_id=centre.pk, count=len(synced))
    return synced


def use_certificate(
    identifier: str,
    *,
    actor: Any,
    centre: Centre,
    case_number: str,
    material_key: str,
    actor_role: str,
    holder_code: str | None = None,
) -> CertificateUse:
    """Record that a case of `centre` uses a certificate as a material (用证).

    The certificate may come from any centre, but it must be valid today and, when
    `holder_code` is given, belong to that holder. The caller has already checked that
    `actor`, in the role `actor_role` ("applicant", "clerk", ...), may act on the case.
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
            used_by=actor if getattr(actor, "is_authenticated", False) else None,
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


def _check_centre_admin(actor: Any, centre: Centre) -> str:
    if actor is None:
        return SYSTEM
    return require_role(actor, (Role.CENTRE_ADMIN,), centre=centre).role


def _check_issuer_role(
    actor: Any, issuer: Department, *, roles: tuple[str, ...] = ISSUER_ROLES
) -> str:
    if actor is None:
        return SYSTEM
    membership = require_role(actor, roles, centre=issuer.centre, department=issuer)
    return membership.role


def _check_holder_code(kind: str, code: str) -> str:
    """Return the normalised holder code, or raise the identity error of its rule."""
    if kind == HolderKind.PERSON:
        return parse_resident_id(code).number
    return parse_uscc(code).code


def _derived_face(
    holder_code: str,
    holder_name: str,
    issuer: Department,
    start: datetime.date,
    end: datetime.date | None,
) -> dict[str, str]:
    """Return the values of the standard face fields that the certificate itself fixes.

    Catalogue packs name these fields the same way in every certificate type, so a
    caller passes only the fields that come from the application or the decision. A
    key that the type does not define is dropped by `_check_face`.
    """
    return {
        "holder_name": holder_name,
        "holder_id_number": holder_code,
        "holder_uscc": holder_code,
        "issuing_authority": issuer.name,
        "valid_from": start.isoformat(),
        "valid_until": end.isoformat() if end else "",
    }


def _without_derived(face: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in face.items() if key not in DERIVED_FACE_KEYS}


def _check_face(
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
            known=choices_text(
                (key, field.get("label", key)) for key, field in fields.items()
            ),
        )
    for key, field in fields.items():
        if field.get("required") and not values.get(key):
            raise MissingFaceField(
                label=field.get("label", key), key=key, type=certificate_type.name
            )
    return values


def _check_validity(start: datetime.date, end: datetime.date | None) -> None:
    if end is not None and end < start:
        raise InvalidValidity(valid_from=start.isoformat(), valid_until=end.isoformat())


def _check_valid(certificate: Certificate, *, action: object) -> None:
    if certificate.status != CertificateStatus.VALID:
        raise CertificateNotValid(
            identifier=certificate.identifier,
            status=CertificateStatus(certificate.status).label,
            action=action,
        )


def _supersede(certificate: Certificate, *, actor: Any, role: str) -> None:
    """Mark a certificate superseded and record it, so its proof shows the new status."""
    certificate.status = CertificateStatus.SUPERSEDED
    certificate.status_changed_at = timezone.now()
    certificate.save(update_fields=["status", "status_changed_at"])
    _record(certificate, actor, role, "certificate.superseded")


def _lock(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update()
        .select_related("certificate_type", "issuer", "centre")
        .get(pk=certificate.pk)
    )


def _next_serial(issuer: Department) -> str:
    """Return the issuer's next serial of today: YYYYMMDD and a 4-digit counter."""
    today = timezone.localdate()
    counter, _created = CertificateCounter.objects.select_for_update().get_or_create(
        centre_id=issuer.centre_id, issuer=issuer, day=today
    )
    CertificateCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{today:%Y%m%d}{counter.last:04d}"


def _create_version(
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


def _record(certificate: Certificate, actor: Any, role: str, verb: str) -> None:
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
