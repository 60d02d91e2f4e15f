"""Credit endpoints under /api/v1/credit: records, consents and consented reports."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from onestop.core.dates import api_datetime, api_iso
from onestop.core.errors import echoed
from onestop.core.models import Centre, Department
from onestop.core.schemas import ApiDate, ApiDateTime, InputSchema
from onestop.credit import actions, consents, queries, reports
from onestop.credit.errors import CentreNotFound, DepartmentNotFound
from onestop.credit.models import Consent, CreditRecord
from onestop.identity.codes import mask_id_number

router = Router(tags=["credit"])


class FactsIn(InputSchema):
    kind: str
    legal_basis: str
    facts: str
    # Dates in the form YYYY-MM-DD, which the credit actions parse, so that an invalid
    # one is reported with the record's other problems.
    decided_on: ApiDate
    list_name: str = ""
    listed_on: ApiDate | None = None
    delisted_on: ApiDate | None = None
    case_number: str = ""


class RecordIn(FactsIn):
    subject_type: str
    subject_code: str
    department: str


class CreditRevocationIn(InputSchema):
    reason: str
    legal_basis: str


class RecordOut(Schema):
    id: int
    subject_type: str
    subject: str
    kind: str
    action: str
    department: str
    legal_basis: str
    facts: str
    decided_on: ApiDate
    list_name: str
    listed_on: ApiDate | None
    delisted_on: ApiDate | None
    case_number: str
    supersedes: int | None
    sha256: str
    recorded_at: ApiDateTime


class ConsentIn(InputSchema):
    recipient_name: str
    recipient_uscc: str
    purpose: str
    # Strict, so that "7" or true is rejected as the rating level's "1" is, rather than
    # converted.
    days: StrictInt
    single_use: StrictBool = False
    enterprise: str = ""


class ConsentOut(Schema):
    id: int
    subject_type: str
    recipient_name: str
    recipient_uscc: str
    purpose: str
    expires_at: ApiDateTime
    single_use: bool
    revoked_at: ApiDateTime | None
    use_count: int


class IssuedConsentOut(ConsentOut):
    token: str


def _centre(slug: str) -> Centre:
    centre = Centre.objects.filter(slug=slug[:60]).first()
    if centre is None:
        raise CentreNotFound(centre=echoed(slug))
    return centre


def _department(centre: Centre, role_key: str) -> Department:
    department = Department.objects.for_centre(centre).filter(role_key=role_key).first()
    if department is None:
        raise DepartmentNotFound(department=echoed(role_key))
    return department


def _facts(payload: FactsIn) -> actions.RecordFacts:
    return actions.RecordFacts(
        kind=payload.kind,
        legal_basis=payload.legal_basis,
        facts=payload.facts,
        decided_on=payload.decided_on,
        list_name=payload.list_name,
        listed_on=payload.listed_on,
        delisted_on=payload.delisted_on,
        case_number=payload.case_number,
    )


def record_dict(record: CreditRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "subject_type": record.subject_type,
        "subject": mask_id_number(record.subject_code),
        "kind": record.kind,
        "action": record.action,
        "department": record.department.role_key,
        "legal_basis": record.legal_basis,
        "facts": record.facts,
        "decided_on": record.decided_on.isoformat(),
        "list_name": record.list_name,
        "listed_on": api_iso(record.listed_on),
        "delisted_on": api_iso(record.delisted_on),
        "case_number": record.case_number,
        "supersedes": record.supersedes_id,
        "sha256": record.sha256,
        "recorded_at": api_datetime(record.recorded_at),
    }


def consent_dict(consent: Consent) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "subject_type": consent.subject_type,
        "recipient_name": consent.recipient_name,
        "recipient_uscc": consent.recipient_uscc,
        "purpose": consent.purpose,
        "expires_at": api_datetime(consent.expires_at),
        "single_use": consent.single_use,
        "revoked_at": api_iso(consent.revoked_at),
        "use_count": consent.use_count,
    }


@router.post("/centres/{slug}/records", response={201: RecordOut})
def create_record(request: HttpRequest, slug: str, payload: RecordIn) -> Status:
    """Record a credit fact (department reviewer or admin, or supervisor)."""
    centre = _centre(slug)
    record = actions.record_credit(
        actor=request.user,
        centre=centre,
        department=_department(centre, payload.department),
        subject_type=payload.subject_type,
        subject_code=payload.subject_code,
        facts=_facts(payload),
    )
    return Status(201, record_dict(record))


@router.get("/centres/{slug}/records", response=list[RecordOut])
def list_records(
    request: HttpRequest, slug: str, subject_type: str, subject_code: str
) -> list[dict[str, Any]]:
    """List the records of one subject that the caller's department may read."""
    records = queries.records_of_subject(
        request.user, _centre(slug), subject_type, subject_code
    )
    return [record_dict(record) for record in records]


@router.post(
    "/centres/{slug}/records/{record_id}/corrections", response={201: RecordOut}
)
def correct_record(
    request: HttpRequest, slug: str, record_id: int, payload: FactsIn
) -> Status:
    """Append a corrected record that supersedes the given one."""
    previous = queries.get_record_for(request.user, _centre(slug), record_id)
    record = actions.correct_credit_record(
        previous, actor=request.user, facts=_facts(payload)
    )
    return Status(201, record_dict(record))


@router.post(
    "/centres/{slug}/records/{record_id}/revocation", response={201: RecordOut}
)
def revoke_record(
    request: HttpRequest, slug: str, record_id: int, payload: CreditRevocationIn
) -> Status:
    """Append a revocation record that supersedes the given one."""
    previous = queries.get_record_for(request.user, _centre(slug), record_id)
    record = actions.revoke_credit_record(
        previous,
        actor=request.user,
        reason=payload.reason,
        legal_basis=payload.legal_basis,
    )
    return Status(201, record_dict(record))


@router.post("/centres/{slug}/consents", response={201: IssuedConsentOut})
def create_consent(request: HttpRequest, slug: str, payload: ConsentIn) -> Status:
    """Let one recipient read the report of the caller or of their enterprise."""
    consent, token = consents.issue_consent(
        actor=request.user,
        centre=_centre(slug),
        recipient_name=payload.recipient_name,
        recipient_uscc=payload.recipient_uscc,
        purpose=payload.purpose,
        days=payload.days,
        single_use=payload.single_use,
        enterprise_uscc=payload.enterprise,
    )
    return Status(201, {**consent_dict(consent), "token": token})


@router.get("/consents", response=list[ConsentOut])
def list_consents(request: HttpRequest) -> list[dict[str, Any]]:
    """List the consents of the caller and of the enterprises they act for."""
    return [consent_dict(consent) for consent in consents.consents_of(request.user)]


@router.post("/consents/{consent_id}/revocation", response=ConsentOut)
def revoke_consent(request: HttpRequest, consent_id: int) -> dict[str, Any]:
    """Revoke a consent so that its token no longer opens a report."""
    consent = consents.get_consent_for(request.user, consent_id)
    return consent_dict(consents.revoke_consent(consent, actor=request.user))


@router.get("/reports", auth=None)
def credit_report(request: HttpRequest, token: str = "") -> dict[str, Any]:
    """Return the signed credit report that a consent token opens, with no sign-in."""
    return reports.issue_credit_report(token)


class ReportRequest(InputSchema):
    token: str


@router.post("/reports", auth=None)
def credit_report_by_post(
    request: HttpRequest, payload: ReportRequest
) -> dict[str, Any]:
    """Return the same report for a token sent in the body, which proxies do not log."""
    return reports.issue_credit_report(payload.token)
