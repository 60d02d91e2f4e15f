"""Role checks shared by every domain: which staff roles a user holds, and where."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.core import rows
from onestop.core.errors import NotAuthenticated, PermissionDenied
from onestop.core.models import Centre, Department, Membership, Role

AnyUser = AbstractBaseUser | AnonymousUser


class CentreScope(models.TextChoices):
    """The place of a required role when no single centre is meant: the key goes in
    details, the label in messages.
    """

    ANY = "any", _("any service centre")


class RoleRequired(PermissionDenied):
    """A missing staff role. `details.role` is always a list of role codes, also when
    one role would do, so that every error body has the same shape."""

    code = "permission.role_required"
    message = _(
        "This needs one of these roles in %(centre)s: %(role)s. Your account has none."
    )
    message_without_centre = _(
        "This needs one of these roles: %(role)s. Your account has none."
    )

    def __init__(self, *, role: str | Iterable[str], **details: Any) -> None:
        roles = [Role(role)] if isinstance(role, str) else [Role(item) for item in role]
        super().__init__(role=roles, **details)

    def render(self) -> str:
        if not self.details.get("centre"):
            return str(self.message_without_centre) % {
                "role": self.message_values()["role"]
            }
        return super().render()


class DepartmentRoleRequired(RoleRequired):
    code = "permission.other_department"
    message = _(
        "This needs one of these roles for the department %(department)s in "
        "%(centre)s: %(role)s. Your account holds the role %(held_role)s for "
        "%(held_department)s only. Ask someone with a role for %(department)s to do it."
    )


def staff_roles(user: AnyUser) -> list[Membership]:
    """Return the user's staff roles, cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_onestop_memberships", None)
    if cached is None:
        cached = rows.fetch(
            Membership, {"user_id": user.pk}, related={"centre": (), "department": ()}
        )
        user._onestop_memberships = cached  # type: ignore[union-attr,attr-defined]
    return cached


def is_staff_account(user: Any) -> bool:
    """Return whether the user has a staff role or may open the admin."""
    return bool(user.is_staff or user.is_superuser or staff_roles(user))


def require_authenticated(user: AnyUser) -> None:
    if not user.is_authenticated:
        raise NotAuthenticated()


def signed_in_user(request: HttpRequest) -> User:
    """Return the user of `request`, or raise NotAuthenticated for a guest."""
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    return user


def find_role(
    user: AnyUser,
    roles: Iterable[str],
    *,
    centre: Centre | None = None,
    department: Department | None = None,
) -> Membership | None:
    """Return the first membership of one of `roles` that covers the centre and department.

    A reviewer or department admin covers only their own department; the other roles cover
    the whole centre. A platform admin covers every centre.
    """
    wanted = set(roles)
    for membership in staff_roles(user):
        if membership.role not in wanted:
            continue
        if membership.role == Role.PLATFORM_ADMIN:
            return membership
        if centre is not None and membership.centre_id != centre.pk:
            continue
        if (
            department is not None
            and membership.role in (Role.REVIEWER, Role.DEPARTMENT_ADMIN)
            and membership.department_id != department.pk
        ):
            continue
        return membership
    return None


def require_role(
    user: AnyUser,
    roles: Iterable[str],
    *,
    centre: Centre,
    department: Department | None = None,
) -> Membership:
    """Return the covering membership, or raise a permission error that names the role."""
    require_authenticated(user)
    roles = list(roles)
    membership = find_role(user, roles, centre=centre, department=department)
    if membership is None:
        other = _membership_for_other_department(user, roles, centre, department)
        if other is not None and department is not None:
            raise DepartmentRoleRequired(
                role=roles,
                centre=centre.name,
                department=department.name,
                held_role=Role(other.role),
                held_department=other.department.name if other.department else "",
            )
        raise RoleRequired(role=roles, centre=centre.name)
    return membership


def _membership_for_other_department(
    user: AnyUser, roles: list[str], centre: Centre, department: Department | None
) -> Membership | None:
    """Return the user's membership of a department role of `roles` in the centre for
    a department other than `department`, or None."""
    if department is None:
        return None
    for membership in staff_roles(user):
        if (
            membership.role in roles
            and membership.role in (Role.REVIEWER, Role.DEPARTMENT_ADMIN)
            and membership.centre_id == centre.pk
            and membership.department_id != department.pk
        ):
            return membership
    return None


def administered_centres(user: AnyUser) -> list[Centre]:
    """Return the centres the user administers, by region code: every centre for a
    platform admin, else those where the user is a centre admin."""
    centres = Centre.objects.order_by("region_code")
    if find_role(user, [Role.PLATFORM_ADMIN]) is not None:
        return list(centres)
    return list(centres.filter(pk__in=centres_of(user, [Role.CENTRE_ADMIN])))


def centres_of(user: AnyUser, roles: Iterable[str]) -> list[int]:
    """Return the ids of the centres where the user has one of `roles`."""
    wanted = set(roles)
    return sorted(
        {
            m.centre_id
            for m in staff_roles(user)
            if m.role in wanted and m.centre_id is not None
        }
    )
