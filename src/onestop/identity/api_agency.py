"""Agency verification at the window under /api/v1/centres/{slug}: a clerk lists an
enterprise's claims, verifies or rejects them after checking the documents, and revokes
verified agencies."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from onestop.core.centres import get_centre
from onestop.core.dates import api_datetime
from onestop.core.schemas import ApiDateTime, InputSchema
from onestop.identity import agency_window as agency
from onestop.identity.models import EnterpriseAgent

router = Router(tags=["identity"])


class AgencyOut(Schema):
    id: int
    enterprise_uscc: str
    status: str
    # The claimant, masked: the clerk compares them with the ID card shown.
    agent_name_masked: str
    agent_id_number_masked: str
    claimed_at: ApiDateTime
    decided_at: ApiDateTime | None
    # The slug of the centre whose window decided the claim; null by migration.
    decided_at_centre: str | None
    licence_seen: bool
    authority: str
    rejection_reason: str
    revoked_at: ApiDateTime | None
    # The slug of the centre whose window revoked the agency.
    revoked_at_centre: str | None
    revocation_reason: str


class EnterpriseAgenciesOut(Schema):
    uscc: str
    name: str
    legal_representative: str
    agencies: list[AgencyOut]


class VerifyIn(InputSchema):
    # Whether the clerk saw the original business licence (营业执照); must be true.
    licence_seen: bool
    authority: Literal["legal_representative", "power_of_attorney"]
    # The enterprise's name and legal representative as the business licence shows
    # them. A value that differs from the stored one corrects it, and null keeps it.
    name: str | None = None
    legal_representative: str | None = None


class AgencyReasonIn(InputSchema):
    # Why a claim is rejected or an agency revoked. The person sees it on their profile.
    reason: str


def agency_out(found: EnterpriseAgent) -> AgencyOut:
    centre = found.decided_at_centre
    revoked_at_centre = found.revoked_at_centre
    return AgencyOut(
        id=found.pk,
        enterprise_uscc=found.enterprise.uscc,
        status=found.status,
        agent_name_masked=found.person.masked_name,
        agent_id_number_masked=found.person.masked_id_number,
        claimed_at=api_datetime(found.since),
        decided_at=api_datetime(found.decided_at) if found.decided_at else None,
        decided_at_centre=centre.slug if centre else None,
        licence_seen=found.licence_seen,
        authority=found.authority,
        rejection_reason=found.rejection_reason,
        revoked_at=api_datetime(found.revoked_at) if found.revoked_at else None,
        revoked_at_centre=revoked_at_centre.slug if revoked_at_centre else None,
        revocation_reason=found.revocation_reason,
    )


@router.get("/{slug}/enterprises/{uscc}/agencies", response=EnterpriseAgenciesOut)
def list_agencies(request: HttpRequest, slug: str, uscc: str) -> EnterpriseAgenciesOut:
    enterprise, agencies = agency.find_enterprise_agencies(
        actor=request.user, centre=get_centre(slug), uscc=uscc
    )
    return EnterpriseAgenciesOut(
        uscc=enterprise.uscc,
        name=enterprise.name,
        legal_representative=enterprise.legal_representative,
        agencies=[agency_out(found) for found in agencies],
    )


@router.post("/{slug}/agencies/{agency_id}/verify", response=AgencyOut)
def verify_agency(
    request: HttpRequest, slug: str, agency_id: int, payload: VerifyIn
) -> AgencyOut:
    verified = agency.verify_agency(
        actor=request.user,
        centre=get_centre(slug),
        agency_id=agency_id,
        licence_seen=payload.licence_seen,
        authority=payload.authority,
        name=payload.name,
        legal_representative=payload.legal_representative,
    )
    return agency_out(verified)


@router.post("/{slug}/agencies/{agency_id}/reject", response=AgencyOut)
def reject_agency(
    request: HttpRequest, slug: str, agency_id: int, payload: AgencyReasonIn
) -> AgencyOut:
    rejected = agency.reject_agency(
        actor=request.user,
        centre=get_centre(slug),
        agency_id=agency_id,
        reason=payload.reason,
    )
    return agency_out(rejected)


@router.post("/{slug}/agencies/{agency_id}/revoke", response=AgencyOut)
def revoke_agency(
    request: HttpRequest, slug: str, agency_id: int, payload: AgencyReasonIn
) -> AgencyOut:
    revoked = agency.revoke_agency(
        actor=request.user,
        centre=get_centre(slug),
        agency_id=agency_id,
        reason=payload.reason,
    )
    return agency_out(revoked)
