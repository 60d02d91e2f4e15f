"""/api/v1/centres/{slug}/staff: list, grant and revoke the staff roles of a centre."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status

from onestop.core.centres import get_centre
from onestop.core.models import Membership, Role
from onestop.core.schemas import InputSchema
from onestop.core.staff import actions, queries

router = Router(tags=["staff"])


class StaffRoleOut(Schema):
    id: int
    username: str
    role: str
    role_label: str
    # The centre's slug; null for a platform admin role, which covers every centre.
    centre: str | None
    # The department's code, for reviewers and department admins; null otherwise.
    department: str | None
    department_name: str | None


class StaffGrantIn(InputSchema):
    username: str
    role: str
    department: str = ""
    create_account: bool = False


class StaffGrantOut(StaffRoleOut):
    # The new account's initial password, returned only in this response; null when
    # the role was granted to an existing account.
    initial_password: str | None


def staff_role_out(membership: Membership) -> StaffRoleOut:
    department = membership.department
    return StaffRoleOut(
        id=membership.pk,
        username=membership.user.username,
        role=membership.role,
        role_label=str(Role(membership.role).label),
        centre=membership.centre.slug if membership.centre else None,
        department=department.role_key if department else None,
        department_name=department.name if department else None,
    )


@router.get("/{slug}/staff", response=list[StaffRoleOut])
def list_staff(request: HttpRequest, slug: str) -> list[StaffRoleOut]:
    centre = get_centre(slug)
    return [
        staff_role_out(row) for row in queries.staff_roles_for(request.user, centre)
    ]


@router.post("/{slug}/staff", response={201: StaffGrantOut})
def grant_staff_role(request: HttpRequest, slug: str, payload: StaffGrantIn) -> Status:
    centre = get_centre(slug)
    grant = actions.grant_role(
        actor=request.user,
        username=payload.username,
        role=payload.role,
        centre=centre,
        department=payload.department,
        create_account=payload.create_account,
    )
    out = staff_role_out(grant.membership)
    return Status(
        201,
        StaffGrantOut(
            **out.model_dump(), initial_password=grant.initial_password or None
        ),
    )


@router.delete("/{slug}/staff/{role_id}", response={204: None})
def revoke_staff_role(request: HttpRequest, slug: str, role_id: int) -> HttpResponse:
    centre = get_centre(slug)
    membership = queries.get_staff_role_for(request.user, centre, role_id)
    actions.revoke_role(actor=request.user, membership=membership)
    return HttpResponse(status=204)
