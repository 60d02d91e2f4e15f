"""Registration and profile endpoints under /api/v1/identity."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from onestop.core.dates import api_datetime
from onestop.core.permissions import signed_in_user
from onestop.core.schemas import ApiDate, ApiDateTime, InputSchema
from onestop.identity import actions
from onestop.identity.actions import NotRegisteredPerson
from onestop.identity.agency import agencies_of
from onestop.identity.codes import legacy_id_notice
from onestop.identity.models import Person
from onestop.identity.throttle import counting_registration_conflicts

router = Router(tags=["identity"])


class PersonIn(InputSchema):
    username: str
    password: str
    id_number: str
    name: str
    phone: str = ""
    address: str = ""


class ProfileIn(InputSchema):
    """The profile fields to change. An omitted or null field keeps its stored value."""

    phone: str | None = None
    address: str | None = None


class AgencyOfPersonOut(Schema):
    """An enterprise the person claimed to act for, and whether a window verified it."""

    uscc: str
    name: str
    # pending, verified, rejected or revoked. Only verified lets the person act for it.
    status: str
    claimed_at: ApiDateTime
    rejection_reason: str
    revoked_at: ApiDateTime | None
    revocation_reason: str


class ProfileOut(Schema):
    id_number_masked: str
    name: str
    birth_date: ApiDate
    phone: str
    address: str
    enterprises: list[AgencyOfPersonOut]


class RegistrationOut(ProfileOut):
    """The new profile, with notices about what registration changed in the input."""

    notices: list[str]


class EnterpriseIn(InputSchema):
    uscc: str
    name: str
    legal_representative: str
    address: str = ""


def profile_out(person: Person) -> ProfileOut:
    return ProfileOut(
        id_number_masked=person.masked_id_number,
        name=person.name,
        birth_date=person.birth_date.isoformat(),
        phone=person.phone,
        address=person.address,
        enterprises=[
            AgencyOfPersonOut(
                uscc=found.enterprise.uscc,
                name=found.enterprise.name,
                status=found.status,
                claimed_at=api_datetime(found.since),
                rejection_reason=found.rejection_reason,
                revoked_at=api_datetime(found.revoked_at) if found.revoked_at else None,
                revocation_reason=found.revocation_reason,
            )
            for found in agencies_of(person)
        ],
    )


@router.post("/persons", auth=None, response={201: RegistrationOut})
def register_person(request: HttpRequest, payload: PersonIn) -> Status:
    with counting_registration_conflicts(request):
        person = actions.register_person(**payload.dict())
    notice = legacy_id_notice(payload.id_number)
    registration = RegistrationOut(
        **profile_out(person).dict(), notices=[notice] if notice else []
    )
    return Status(201, registration)


@router.get("/me", response=ProfileOut)
def get_profile(request: HttpRequest) -> ProfileOut:
    person = Person.objects.filter(user_id=signed_in_user(request).pk).first()
    if person is None:
        raise NotRegisteredPerson()
    return profile_out(person)


@router.put("/me", response=ProfileOut)
def update_profile(request: HttpRequest, payload: ProfileIn) -> ProfileOut:
    person = actions.update_profile(actor=request.user, **payload.dict())
    return profile_out(person)


@router.post("/enterprises", response={201: dict})
def register_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status:
    """Register an enterprise and claim to act for it. The claim is pending until a
    window clerk verifies it, so `agency_status` is `pending` for a new claim."""
    enterprise = actions.register_enterprise(actor=request.user, **payload.dict())
    person = Person.objects.get(user_id=signed_in_user(request).pk)
    claim = enterprise.agencies.get(person=person)
    return Status(
        201,
        {
            "uscc": enterprise.uscc,
            "name": enterprise.name,
            "agency_status": claim.status,
        },
    )
