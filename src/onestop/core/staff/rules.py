"""Checks of a staff role before it is granted or revoked, and the names in messages."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.errors import (
    Coded,
    choice_text,
    echoed,
    list_text,
    listed_choices,
)
from onestop.core.models import Centre, Department, Membership, Role
from onestop.core.permissions import find_role, require_role
from onestop.core.staff.errors import (
    CentreRequired,
    DepartmentNotAllowed,
    DepartmentNotFound,
    DepartmentRequired,
    InvalidUsername,
    OwnLastAdminRole,
    PlatformAdminOnly,
    UnknownRole,
    UserNotFound,
    UserNotGrantable,
)

# The roles that may see and change the staff roles of a centre.
ADMIN_ROLES = (Role.CENTRE_ADMIN, Role.PLATFORM_ADMIN)
# The roles that work for one department of a centre, not the whole centre.
DEPARTMENT_ROLES = (Role.REVIEWER, Role.DEPARTMENT_ADMIN)
# The actor role that audit events record for a change made with `onestop staff`.
OPERATOR = "operator"
USERNAME_MAX_LENGTH = 150


def role_text(role: str) -> str:
    """Name a role for a message: its label with its key in brackets."""
    return choice_text(role, Role(role).label)


def place_text(centre: Centre | None) -> str:
    """Name where a role applies: a centre, or every centre for a platform admin."""
    return centre.name if centre is not None else _("every centre")


def role_detail(role: str) -> Coded:
    """Return a role as an error detail: its key in the details, and in the message
    its label with its key (`role_text`).
    """
    return Coded(role, _lazy_role_text(role))


def place_detail(centre: Centre | None) -> Any:
    """Return where a role applies as an error detail: the centre's name, or the key
    "all" for every centre, which the message shows in words.
    """
    if centre is not None:
        return centre.name
    return Coded("all", gettext_lazy("every centre"))


_lazy_role_text = lazy(role_text, str)


def check_role(role: str) -> Role:
    """Return `role` as a Role, or raise UnknownRole listing the roles."""
    if role not in Role.values:
        raise UnknownRole(role=echoed(role), allowed=listed_choices(Role.choices))
    return Role(role)


def check_username(username: str) -> str:
    """Return `username` if Django would accept it for a new account."""
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InvalidUsername(username=echoed(username)) from None
    if len(username) > USERNAME_MAX_LENGTH:
        raise InvalidUsername(username=echoed(username))
    return username


def check_place(role: Role, centre: Centre | None, code: str) -> Department | None:
    """Return the department that the role needs in `centre`, or None if it needs none.

    Reviewers and department admins need a department of the centre; the other roles
    cover the whole centre and take none. Every role except platform admin needs a
    centre; a platform admin covers every centre, so `centre` is ignored for it.
    """
    code = code.strip()
    if role == Role.PLATFORM_ADMIN or centre is None:
        if role != Role.PLATFORM_ADMIN:
            raise CentreRequired(role=role_detail(role))
        if code:
            raise DepartmentNotAllowed(role=role_detail(role), department=echoed(code))
        return None

    if role not in DEPARTMENT_ROLES:
        if code:
            raise DepartmentNotAllowed(role=role_detail(role), department=echoed(code))
        return None

    departments = Department.objects.for_centre(centre)
    codes = list_text(sorted(departments.values_list("role_key", flat=True))) or "—"
    if not code:
        raise DepartmentRequired(
            role=role_detail(role), centre=centre.name, departments=codes
        )
    department = departments.filter(role_key=code[:60]).first()
    if department is None:
        raise DepartmentNotFound(
            department=echoed(code), centre=centre.name, departments=codes
        )
    return department


def check_may_manage(actor: Any, role: str, centre: Centre | None) -> str:
    """Return the actor's role that allows changing `role` in `centre`, or raise.

    Only a platform admin grants and revokes a platform admin role. The other roles
    of a centre are changed by its centre admins and by platform admins. `actor` None
    is an operator at the command line, who may change every role.
    """
    if actor is None:
        return OPERATOR
    if role == Role.PLATFORM_ADMIN or centre is None:
        if find_role(actor, [Role.PLATFORM_ADMIN]) is None:
            raise PlatformAdminOnly(role=role_detail(Role.PLATFORM_ADMIN))
        return str(Role.PLATFORM_ADMIN)
    return str(require_role(actor, ADMIN_ROLES, centre=centre).role)


def check_account_grantable(
    actor: Any, user: Any, username: str, centre: Centre | None
) -> None:
    """Raise unless `actor` may grant a role in `centre` to `user`, the account named
    `username` or None when there is none.

    A platform admin and an operator (`actor` None) may grant a role to any account.
    A centre admin may grant one to an account whose staff roles are all in `centre`.
    An account with no staff role is also allowed, unless it is registered as an
    applicant (a Person) or is a Django admin account (`is_staff` or `is_superuser`).
    Otherwise an admin could take another centre's staff member onto their staff,
    where neither centre admin can reset or deactivate the account any more. A centre
    admin gets UserNotGrantable for a missing account too, so that the grant reveals no
    user names.
    """
    if (
        actor is None
        or centre is None
        or find_role(actor, [Role.PLATFORM_ADMIN]) is not None
    ):
        if user is None:
            raise UserNotFound(username=echoed(username))
        return
    if user is None or not _grantable_by_centre_admin(user, centre):
        raise UserNotGrantable(username=echoed(username), centre=centre.name)


def _grantable_by_centre_admin(user: Any, centre: Centre) -> bool:
    centre_ids = set(
        Membership.objects.filter(user=user).values_list("centre_id", flat=True)
    )
    if centre_ids:
        return centre_ids == {centre.pk}
    if user.is_staff or user.is_superuser:
        return False
    # Looked up by name: core does not import the identity app's models.
    person_model = apps.get_model("identity", "Person")
    return not person_model.objects.filter(user=user).exists()


def check_not_own_last_admin_role(actor: Any, membership: Membership) -> None:
    """Raise OwnLastAdminRole if revoking `membership` would lock the actor out.

    An admin may revoke their own admin role only while another of their roles still
    lets them manage the staff of the same centre (or, for a platform admin role,
    another platform admin role).
    """
    if actor is None or membership.user_id != actor.pk:
        return
    if membership.role not in ADMIN_ROLES:
        return
    others = Membership.objects.filter(user_id=actor.pk).exclude(pk=membership.pk)
    if membership.role == Role.CENTRE_ADMIN:
        still_admin = (
            others.filter(role=Role.PLATFORM_ADMIN).exists()
            or (
                others.filter(role=Role.CENTRE_ADMIN, centre=membership.centre)
            ).exists()
        )
    else:
        still_admin = others.filter(role=Role.PLATFORM_ADMIN).exists()
    if not still_admin:
        raise OwnLastAdminRole(
            role=role_detail(membership.role), place=place_detail(membership.centre)
        )
