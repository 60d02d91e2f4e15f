"""Reads of certificates: verification, reuse as materials, and the printable face."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case as SqlCase
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from onestop.cases.models import Case
from onestop.cases.queries import staff_role_for, staff_scope
from onestop.certificates.documents import CertificateDocument
from onestop.certificates.errors import CertificateAccessDenied, CertificateNotFound
from onestop.certificates.identifiers import parse_identifier
from onestop.certificates.models import Certificate, CertificateStatus, HolderKind
from onestop.core.audit import record_event
from onestop.core.dates import api_datetime, api_iso
from onestop.core.ledger.bundle import proof_bundle
from onestop.core.ledger.sequencer import checkpointed_entries
from onestop.core.models import Centre
from onestop.core.signing import public_keys_for, verify_document
from onestop.identity.agency import verified_enterprises
from onestop.identity.codes import mask_id_number, mask_name
from onestop.identity.models import Person


class VerificationResult:
    """Outcomes of checking a certificate, from the verifier's point of view."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    SIGNATURE_INVALID = "signature_invalid"
    NOT_FOUND = "not_found"


# The label of each result, translated into the language of the message it appears in.
# Face fields that repeat a row printed on every certificate PDF (holder, holder code,
# issuer, valid until), which the PDF leaves out of its face rows.
PRINTED_BY_EVERY_CERTIFICATE = frozenset(
    {
        "holder_name",
        "holder_id_number",
        "holder_uscc",
        "issuing_authority",
        "valid_until",
    }
)
RESULT_LABELS = {
    VerificationResult.VALID: CertificateStatus.VALID.label,
    VerificationResult.EXPIRED: pgettext_lazy("certificate check result", "expired"),
    VerificationResult.REVOKED: CertificateStatus.REVOKED.label,
    VerificationResult.SUPERSEDED: CertificateStatus.SUPERSEDED.label,
    VerificationResult.SIGNATURE_INVALID: pgettext_lazy(
        "certificate check result", "signature invalid"
    ),
    VerificationResult.NOT_FOUND: pgettext_lazy(
        "certificate check result", "not found"
    ),
}


@dataclass(frozen=True)
class Verification:
    """The outcome of one check of a certificate identifier."""

    identifier: str
    result: str
    certificate: Certificate | None
    checked_at: datetime.datetime

    @property
    def is_valid(self) -> bool:
        return self.result == VerificationResult.VALID

    def as_public_dict(self) -> dict[str, Any]:
        """Return what anyone may see: status, type, issuer, masked holder, dates."""
        summary: dict[str, Any] = {
            "identifier": self.identifier,
            "result": self.result,
            "valid": self.is_valid,
            "checked_at": api_datetime(self.checked_at),
        }
        certificate = self.certificate
        if certificate is None or self.result == VerificationResult.SIGNATURE_INVALID:
            return summary

        newer = latest_version(certificate)
        summary.update(
            {
                "type_code": certificate.certificate_type.code,
                "type_name": certificate.certificate_type.name,
                "issuer_name": certificate.issuer.name,
                "issuer_uscc": certificate.issuer.uscc,
                "holder_name": masked_holder_name(certificate),
                "holder_code": masked_holder_code(certificate),
                "valid_from": certificate.valid_from.isoformat(),
                "valid_until": api_iso(certificate.valid_until),
                "issued_at": api_datetime(certificate.issued_at),
                "status_changed_at": api_iso(certificate.status_changed_at),
                "latest_version": newer.identifier if newer != certificate else None,
                # A verifier sent on to the newest version learns at once that it
                # may not be valid either, for example when it was revoked.
                "latest_version_result": (
                    _result_of(newer, timezone.localdate(self.checked_at))
                    if newer != certificate
                    else None
                ),
            }
        )
        return summary


def find_verification(
    identifier: str, *, today: datetime.date | None = None
) -> Verification:
    """Check an identifier: its format, the stored certificate, signature and status.

    Raises InvalidCertificateId or CertificateIdCheckFailed when the identifier is
    malformed. An unknown identifier gives the result "not_found".
    """
    parsed = str(parse_identifier(identifier))
    checked_at = timezone.now()
    certificate = get_certificate(parsed)
    if certificate is None:
        return Verification(parsed, VerificationResult.NOT_FOUND, None, checked_at)

    result = _result_of(certificate, today or timezone.localdate())
    return Verification(parsed, result, certificate, checked_at)


def get_certificate(identifier: str) -> Certificate | None:
    """Return the certificate with this identifier in any centre, or None."""
    return (
        Certificate.objects.select_related("certificate_type", "issuer", "centre")
        .filter(identifier=identifier)
        .first()
    )


def find_certificate(identifier: str) -> Certificate:
    """Return the certificate with this identifier in any centre.

    Raises InvalidCertificateId or CertificateIdCheckFailed for a malformed identifier,
    so every endpoint rejects one with the same error, and CertificateNotFound for an
    unknown one.
    """
    parsed = str(parse_identifier(identifier))
    certificate = get_certificate(parsed)
    if certificate is None:
        raise CertificateNotFound(identifier=parsed)
    return certificate


def get_certificate_for(actor: Any, identifier: str) -> Certificate:
    """Return a certificate that the caller may see in full, auditing a staff read.

    The holder, the verified agents of an enterprise holder and the applicant of the
    case that issued it (see `_holds_or_applied_for`) may. Staff may under the rule by
    which they read cases (see `_staff_role_to_see`). Each staff read writes the audit
    event `certificate.viewed`. Raises the errors of `find_certificate`, and
    CertificateAccessDenied for anyone else. The denial reveals no more than the public
    verification, which shows that the identifier exists.
    """
    certificate = find_certificate(identifier)
    if not getattr(actor, "is_authenticated", False):
        raise CertificateAccessDenied(identifier=certificate.identifier)
    person = getattr(actor, "person", None)
    if person is not None and _holds_or_applied_for(person, certificate):
        return certificate
    role = _staff_role_to_see(actor, certificate)
    if role is None:
        raise CertificateAccessDenied(identifier=certificate.identifier)
    record_staff_view(actor, certificate, actor_role=role)
    return certificate


def record_staff_view(actor: Any, certificate: Certificate, *, actor_role: str) -> None:
    """Audit a staff read of the certificate's full content as `certificate.viewed`,
    with the actor's role and the number of the case that issued it."""
    record_event(
        actor=actor,
        actor_role=actor_role,
        verb="certificate.viewed",
        object_type="certificate",
        object_id=certificate.identifier,
        centre=certificate.centre,
        data={"case_number": certificate.case_number},
    )


def valid_certificates_of(
    centre: Centre, holder_code: str, *, today: datetime.date | None = None
) -> QuerySet[Certificate]:
    """Return the holder's valid, unexpired certificates in a centre, newest first.

    These are the certificates an application can reuse as materials (一号申请).
    """
    day = today or timezone.localdate()
    return (
        Certificate.objects.for_centre(centre)
        .filter(holder_code=holder_code.strip().upper(), status=CertificateStatus.VALID)
        .exclude(valid_until__lt=day)
        .select_related("certificate_type", "issuer")
        .order_by("-issued_at")
    )


def latest_version(certificate: Certificate) -> Certificate:
    """Follow the renewals of a certificate to its newest version."""
    current = certificate
    while True:
        newer = Certificate.objects.filter(previous=current).first()
        if newer is None:
            return current
        current = newer


def certificates_of_case(case: Case, person: Person | None) -> list[CaseCertificate]:
    """Return the certificates issued for `case`, newest first, each marked with
    whether `person` may see it in their certificate list.

    An enterprise's certificate is listed only to the enterprise's verified agents
    (see `certificates_of_person`). For an applicant who named the enterprise without
    being its verified agent, the case page shows only that it was issued and to whom.
    """
    issued = list(
        Certificate.objects.filter(centre=case.centre, case_number=case.number)
        .select_related("certificate_type")
        .order_by("-issued_at", "-id")
    )
    if not issued:
        return []
    listed = (
        set(
            certificates_of_person(person)
            .filter(case_number=case.number)
            .values_list("id", flat=True)
        )
        if person is not None
        else set()
    )
    return [
        CaseCertificate(certificate, certificate.id in listed) for certificate in issued
    ]


@dataclass(frozen=True)
class CaseCertificate:
    certificate: Certificate
    listed_to_viewer: bool

    @property
    def masked_holder_code(self) -> str:
        return masked_holder_code(self.certificate)

    @property
    def masked_holder_name(self) -> str:
        return masked_holder_name(self.certificate)


def masked_holder_name(certificate: Certificate) -> str:
    """Mask a person's name; an enterprise's registered name is public and stays."""
    if certificate.holder_kind == HolderKind.PERSON:
        return mask_name(certificate.holder_name)
    return certificate.holder_name


def masked_holder_code(certificate: Certificate) -> str:
    """Mask the holder code, keeping its first and last 4 characters."""
    return mask_id_number(certificate.holder_code)


def verification_url(identifier: str) -> str:
    """Return the public URL of the verification page of a certificate."""
    path = reverse("certificates:verify", args=[identifier])
    return settings.ONESTOP_PUBLIC_URL.rstrip("/") + path


def certificate_document(certificate: Certificate) -> CertificateDocument:
    """Return the printable face of a certificate, for `render_certificate_pdf`.

    The face fields that repeat a row the PDF prints for every certificate (holder,
    holder code, issuer, valid until) are left out, so each fact is printed once. A date
    field is printed as the long date of the active language, as those rows are.
    """
    fields = {field["key"]: field for field in certificate.certificate_type.face_fields}
    face_fields: list[tuple[str, str | datetime.date]] = []
    for key, value in certificate.face.items():
        if not value or key in PRINTED_BY_EVERY_CERTIFICATE:
            continue
        field = fields.get(key, {})
        face_fields.append((field.get("label", key), _face_value(field, value)))
    return CertificateDocument(
        identifier=certificate.identifier,
        type_name=certificate.certificate_type.name,
        holder_name=certificate.holder_name,
        holder_code_masked=masked_holder_code(certificate),
        issuer_name=certificate.issuer.name,
        issue_date=timezone.localtime(certificate.issued_at).date(),
        expiry_date=certificate.valid_until,
        verification_url=verification_url(certificate.identifier),
        face_fields=face_fields,
    )


def _face_value(field: dict[str, Any], value: str) -> str | datetime.date:
    if field.get("type") != "date":
        return value
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return value


def _result_of(certificate: Certificate, today: datetime.date) -> str:
    keys = public_keys_for(certificate.centre)
    genuine = certificate.document.get("identifier") == certificate.identifier
    if not genuine or not verify_document(
        certificate.document, certificate.signature, keys
    ):
        return VerificationResult.SIGNATURE_INVALID
    if certificate.status == CertificateStatus.REVOKED:
        return VerificationResult.REVOKED
    if certificate.status == CertificateStatus.SUPERSEDED:
        return VerificationResult.SUPERSEDED
    if certificate.valid_until is not None and certificate.valid_until < today:
        return VerificationResult.EXPIRED
    return VerificationResult.VALID


def _staff_role_to_see(actor: Any, certificate: Certificate) -> str | None:
    """Return the staff role that lets the actor read the certificate, or None.

    The rule of `staff_scope` applies to the certificate's centre and issuing
    department, and to the case that issued it. So a reviewer or department admin of
    either department may read it, as may a clerk, supervisor or centre admin of the
    centre and a platform admin. The two departments differ when the certificate type
    names its own issuing department.
    """
    issuer_scope = staff_scope(actor, department_field="issuer")
    if issuer_scope is None or (
        Certificate.objects.filter(issuer_scope, pk=certificate.pk).exists()
    ):
        return staff_role_for(actor, certificate.centre_id, certificate.issuer_id)
    case_scope = staff_scope(actor)
    if case_scope is None or not certificate.case_number:
        return None
    case = (
        Case.objects.filter(
            case_scope,
            centre_id=certificate.centre_id,
            number=certificate.case_number,
        )
        .only("centre_id", "department_id")
        .first()
    )
    if case is None:
        return None
    return staff_role_for(actor, case.centre_id, case.department_id)


def _holds_or_applied_for(person: Any, certificate: Certificate) -> bool:
    """Return whether the person is the holder, a verified agent of the holder or the
    applicant.

    An organisation that is not registered on the platform has no agents, so the
    applicant of the case that issued it is the one who receives its certificate. The
    applicant of a case filed for a registered enterprise sees the certificate only
    while they are a verified agent of the holder.
    """
    if person.id_number == certificate.holder_code:
        return True
    if verified_enterprises(person).filter(uscc=certificate.holder_code).exists():
        return True
    return bool(certificate.case_number) and (
        Case.objects.filter(
            centre_id=certificate.centre_id,
            number=certificate.case_number,
            person=person,
            enterprise__isnull=True,
        ).exists()
    )


def certificate_proof_bundle(identifier: str) -> str:
    """Return the C2SP-style proof bundle of the certificate's latest ledger entry.

    Pending entries are integrated and a checkpoint is published first when needed.
    Raises the errors of `find_certificate`, and CertificateNotFound for a certificate
    without a ledger entry.
    """
    certificate = find_certificate(identifier)
    if certificate.ledger_entry_id is None:
        raise CertificateNotFound(identifier=certificate.identifier)
    entries = checkpointed_entries([certificate.ledger_entry_id])
    if not entries:
        raise CertificateNotFound(identifier=certificate.identifier)
    return proof_bundle(entries[certificate.ledger_entry_id])


def certificates_of_person(person: Person) -> QuerySet[Certificate]:
    """Return the person's certificates and those of the enterprises they are a verified
    agent of.

    Every version is included, newest first. Each certificate has `enterprise_name`: the
    registered name of its enterprise holder, or None for the person's own. An
    enterprise's certificates are listed only to its verified agents (经办人), so a
    code typed into an application form shows nobody that enterprise's certificates.
    """
    agent_of = verified_enterprises(person)
    enterprise_name = Subquery(
        agent_of.filter(uscc=OuterRef("holder_code")).values("name")[:1]
    )
    return (
        Certificate.objects.filter(
            Q(holder_kind=HolderKind.PERSON, holder_code=person.id_number)
            | Q(
                holder_kind=HolderKind.ENTERPRISE,
                holder_code__in=agent_of.values("uscc"),
            )
        )
        .annotate(
            enterprise_name=SqlCase(
                When(holder_kind=HolderKind.ENTERPRISE, then=enterprise_name),
                default=Value(None),
            )
        )
        .select_related("certificate_type", "issuer", "centre")
        .prefetch_related("uses__centre")
        .order_by("-issued_at")
    )
