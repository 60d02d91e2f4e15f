"""Grant and revoke staff roles: each change is checked, audited and logged with ids."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction

from onestop.core.audit import record_event
from onestop.core.errors import echoed
from onestop.core.logging import get_logger
from onestop.core.models import (
    Centre,
    Department,
    Membership,
    PasswordChangeRequired,
    Role,
)
from onestop.core.staff.errors import RoleAlreadyHeld, UserExists
from onestop.core.staff.rules import (
    check_account_grantable,
    check_may_manage,
    check_not_own_last_admin_role,
    check_place,
    check_role,
    check_username,
    place_text,
    role_detail,
)

log = get_logger(__name__)

# Random bytes of a new account's initial password, which 12 turn into 16 URL-safe
# characters.
INITIAL_PASSWORD_BYTES = 12
# Random passwords tried until one passes the validators; each passes with about 93 %.
INITIAL_PASSWORD_ATTEMPTS = 100


@dataclass(frozen=True)
class Grant:
    """A granted role, with the initial password when the account was created for it."""

    membership: Membership
    initial_password: str = ""


@dataclass(frozen=True)
class GrantPlan:
    """A checked grant: the role, where it applies and the actor role that allows it."""

    role: Role
    centre: Centre | None
    department: Department | None
    actor_role: str


def check_grant(
    *, actor: Any, role: str, centre: Centre | None, department: str
) -> GrantPlan:
    """Check that the actor may grant `role` in `centre` and `department`, or raise."""
    checked_role = check_role(role)
    place = None if checked_role == Role.PLATFORM_ADMIN else centre
    found_department = check_place(checked_role, place, department)
    actor_role = check_may_manage(actor, checked_role, place)
    return GrantPlan(checked_role, place, found_department, actor_role)


def grant_role(
    *,
    actor: Any,
    username: str,
    role: str,
    centre: Centre | None,
    department: str = "",
    create_account: bool = False,
) -> Grant:
    """Grant `role` in `centre` (and `department`, by its code) to the user `username`.

    With `create_account` the account is created first, with a random initial password
    that is returned once and stored only as a hash. Its owner must choose a new one at
    the first sign-in. A platform admin role covers every
    centre, so it is stored without a centre whatever `centre` is.
    """
    plan = check_grant(actor=actor, role=role, centre=centre, department=department)
    if create_account:
        check_username(username)

    with transaction.atomic():
        user, password = _account(actor, username, create_account, plan.centre)
        check_not_held(user, plan.role, plan.centre, plan.department)
        membership = Membership.objects.create(
            user=user, centre=plan.centre, department=plan.department, role=plan.role
        )
        record_event(
            actor=actor,
            actor_role=plan.actor_role,
            verb="staff_role.granted",
            object_type="staff_role",
            object_id=membership.pk,
            centre=plan.centre,
            data=_event_data(membership, account_created=create_account),
        )
    log.info("staff_role.granted", **_log_ids(actor, membership))
    return Grant(membership=membership, initial_password=password)


def revoke_role(*, actor: Any, membership: Membership) -> None:
    """Revoke the staff role `membership`, found by the caller in the actor's scope."""
    actor_role = check_may_manage(actor, membership.role, membership.centre)
    with transaction.atomic():
        # Locking the user's row makes two revocations of one person's admin roles
        # run one after the other, so both cannot pass the lock-out check.
        get_user_model().objects.select_for_update().filter(
            pk=membership.user_id
        ).first()
        check_not_own_last_admin_role(actor, membership)
        ids = _log_ids(actor, membership)
        data = _event_data(membership)
        membership.delete()
        record_event(
            actor=actor,
            actor_role=actor_role,
            verb="staff_role.revoked",
            object_type="staff_role",
            object_id=ids["membership_id"],
            centre=membership.centre,
            data=data,
        )
    log.info("staff_role.revoked", **ids)


def _account(
    actor: Any, username: str, create: bool, centre: Centre | None
) -> tuple[Any, str]:
    """Return the user `username`, locked for the transaction, and a new password if
    the account was created.

    An existing account must be one that the actor may grant a role to (see
    `check_account_grantable`).
    """
    user_model = get_user_model()
    user = user_model.objects.select_for_update().filter(username=username).first()
    if create:
        if user is not None:
            raise UserExists(username=echoed(username))
        password = new_initial_password()
        try:
            with transaction.atomic():
                created = user_model.objects.create_user(
                    username=username, password=password
                )
        except IntegrityError:
            # Another request created the same user name since the read above.
            raise UserExists(username=echoed(username)) from None
        PasswordChangeRequired.objects.create(user=created)
        return created, password
    check_account_grantable(actor, user, username, centre)
    return user, ""


def new_initial_password() -> str:
    """Return a random password that passes the site's password validators."""
    for _attempt in range(INITIAL_PASSWORD_ATTEMPTS):
        password = secrets.token_urlsafe(INITIAL_PASSWORD_BYTES)
        try:
            validate_password(password)
        except ValidationError:
            # About one in fifteen has no digit, which LettersAndDigitsValidator rejects.
            continue
        return password
    raise ImproperlyConfigured(
        f"No random password of {INITIAL_PASSWORD_BYTES} bytes passed "
        f"AUTH_PASSWORD_VALIDATORS in {INITIAL_PASSWORD_ATTEMPTS} attempts."
    )


def check_not_held(
    user: Any, role: Role, centre: Centre | None, department: Department | None
) -> None:
    """Raise RoleAlreadyHeld if the user has `role` there already."""
    # The unique constraint does not catch this on PostgreSQL, where the NULL centre or
    # department of two rows counts as distinct.
    already_granted = Membership.objects.filter(
        user=user, role=role, centre=centre, department=department
    ).exists()
    if already_granted:
        place = place_text(centre)
        if department is not None:
            place = f"{place} / {department.name}"
        raise RoleAlreadyHeld(
            username=echoed(user.username), role=role_detail(role), place=place
        )


def _event_data(membership: Membership, **extra: Any) -> dict[str, Any]:
    return {
        "user_id": membership.user_id,
        "role": membership.role,
        "department_id": membership.department_id,
        **extra,
    }


def _log_ids(actor: Any, membership: Membership) -> dict[str, Any]:
    return {
        "membership_id": membership.pk,
        "user_id": membership.user_id,
        "role": membership.role,
        "centre_id": membership.centre_id,
        "department_id": membership.department_id,
        "actor_id": getattr(actor, "pk", None),
    }
