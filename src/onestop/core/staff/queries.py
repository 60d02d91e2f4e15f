"""Reads of staff roles, scoped by centre and by the caller's admin role."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from onestop.core.models import Centre, Membership, Role
from onestop.core.permissions import find_role, require_role
from onestop.core.staff.errors import StaffRoleNotFound
from onestop.core.staff.rules import ADMIN_ROLES


def staff_roles_for(actor: Any, centre: Centre) -> list[Membership]:
    """Return the staff roles of `centre` for one of its admins.

    For a platform admin the list includes the platform admin roles, which cover every
    centre.
    """
    require_role(actor, ADMIN_ROLES, centre=centre)
    return list(_ordered(Membership.objects.filter(_scope(actor, centre))))


def get_staff_role_for(actor: Any, centre: Centre, role_id: int) -> Membership:
    """Return the staff role `role_id` of `centre`, or raise StaffRoleNotFound.

    A role of another centre raises the same error, so its id reveals nothing to a
    caller.
    """
    require_role(actor, ADMIN_ROLES, centre=centre)
    membership = (
        Membership.objects.filter(_scope(actor, centre), pk=role_id)
        .select_related("user", "centre", "department")
        .first()
    )
    if membership is None:
        raise StaffRoleNotFound(role_id=role_id, centre=centre.name)
    return membership


def staff_roles(centre: Centre | None = None) -> list[Membership]:
    """Return every staff role, or those of `centre`, for an operator's listing."""
    rows = Membership.objects.all()
    if centre is not None:
        rows = rows.filter(centre=centre)
    return list(_ordered(rows))


def accounts_of(rows: list[Membership]) -> list[Any]:
    """Return the distinct accounts of the staff roles `rows`, ordered by user name."""
    users = {row.user_id: row.user for row in rows}
    return sorted(users.values(), key=lambda user: user.username)


def _scope(actor: Any, centre: Centre) -> Q:
    scope = Q(centre=centre)
    if find_role(actor, [Role.PLATFORM_ADMIN]) is not None:
        scope |= Q(centre=None, role=Role.PLATFORM_ADMIN)
    return scope


def _ordered(rows: QuerySet[Membership]) -> QuerySet[Membership]:
    return rows.select_related("user", "centre", "department").order_by(
        "centre__region_code", "role", "department__role_key", "user__username"
    )
