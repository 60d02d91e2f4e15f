"""Account care by admins: reset a password, deactivate and reactivate a sign-in.

A centre admin acts on accounts whose staff roles are all in their centre. A platform
admin, and an operator at the command line (`actor` None), act on any account. A window
clerk acts on applicants' accounts through `onestop.identity.window_accounts`, which
uses the unchecked `set_inactive` and `set_active`. Cases, audit events and other
records of an account stay when it is deactivated.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from onestop.core.audit import record_event
from onestop.core.errors import echoed
from onestop.core.logging import get_logger
from onestop.core.models import (
    ApiToken,
    Centre,
    Membership,
    PasswordChangeRequired,
    Role,
)
from onestop.core.permissions import find_role, require_role
from onestop.core.session_generation import end_sessions
from onestop.core.staff.actions import new_initial_password
from onestop.core.staff.errors import (
    AccountDeactivated,
    AccountNotFound,
    AccountOutsideCentre,
    LastCentreAdmin,
    OwnAccountDeactivation,
)
from onestop.core.staff.rules import ADMIN_ROLES, OPERATOR

log = get_logger(__name__)


def get_account_for(actor: Any, centre: Centre, username: str) -> Any:
    """Return the user `username` for an admin of `centre`, or raise.

    The actor's role is checked first, so a caller who is no admin learns nothing about
    which user names exist.
    """
    require_role(actor, ADMIN_ROLES, centre=centre)
    return get_account(username)


def get_account(username: str) -> Any:
    """Return the user `username`, or raise AccountNotFound."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise AccountNotFound(username=echoed(username))
    return user


def check_not_deactivated(user: Any, password: str, *, shown_as: str) -> None:
    """Raise AccountDeactivated if `user` is deactivated and `password` is its own.

    Called after a failed sign-in, with the user that the typed identifier names, or
    None. Only a caller who knows the password learns that the account exists and is
    deactivated. Anyone else gets the usual wrong-password error. `shown_as` is the
    identifier as the message shows it.
    """
    if user is None or user.is_active or not user.check_password(password):
        return
    log.info("sign_in.account_deactivated", user_id=user.pk)
    raise AccountDeactivated(username=echoed(shown_as))


def check_may_manage_account(actor: Any, user: Any, centre: Centre | None) -> str:
    """Return the actor's role that allows resetting or deactivating `user`, or raise.

    A centre admin of `centre` may act only on an account that has at least one staff
    role and all of them in `centre`, so applicants and staff of other centres are out
    of reach. A platform admin may act on every account.
    """
    if actor is None:
        return OPERATOR
    if find_role(actor, [Role.PLATFORM_ADMIN]) is not None:
        return str(Role.PLATFORM_ADMIN)
    if centre is None:
        raise AccountOutsideCentre(username=echoed(user.username), centre="—")
    membership = require_role(actor, ADMIN_ROLES, centre=centre)
    centre_ids = set(
        Membership.objects.filter(user=user).values_list("centre_id", flat=True)
    )
    if centre_ids != {centre.pk}:
        raise AccountOutsideCentre(username=echoed(user.username), centre=centre.name)
    return str(membership.role)


def issue_initial_password(user: Any) -> tuple[str, int]:
    """Give `user` a new random initial password and revoke every API token of it.

    Runs in the caller's transaction. The password must be changed at the next sign-in.
    Every session of the account ends at its next request: Django checks each session
    against a hash of the password, and the account's session generation goes up too.
    Returns the password, which is stored only as a hash, and the number of tokens
    revoked.
    """
    password = new_initial_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordChangeRequired.objects.get_or_create(user=user)
    end_sessions(user)
    return password, revoke_tokens(user)


def revoke_tokens(user: Any) -> int:
    """Revoke every API token of `user` that is not revoked yet; return how many."""
    return ApiToken.objects.filter(user=user, revoked_at=None).update(
        revoked_at=timezone.now()
    )


def reset_password(*, actor: Any, user: Any, centre: Centre | None) -> str:
    """Issue a new initial password for `user`, returned once, and revoke its tokens."""
    actor_role = check_may_manage_account(actor, user, centre)
    with transaction.atomic():
        password, revoked = issue_initial_password(user)
        record_account_event(
            "account.password_reset",
            actor=actor,
            actor_role=actor_role,
            user=user,
            centre=centre,
            tokens_revoked=revoked,
        )
    return password


def deactivate_account(*, actor: Any, user: Any, centre: Centre | None) -> None:
    """Stop the sign-in of `user`: no sign-in, no session, no API token works.

    Deactivating a deactivated account changes nothing.
    """
    actor_role = check_may_manage_account(actor, user, centre)
    if actor is not None and actor.pk == user.pk:
        raise OwnAccountDeactivation(username=echoed(user.username))
    with transaction.atomic():
        revoked = set_inactive(user)
        if revoked is None:
            return
        record_account_event(
            "account.deactivated",
            actor=actor,
            actor_role=actor_role,
            user=user,
            centre=centre,
            tokens_revoked=revoked,
        )


def set_inactive(user: Any) -> int | None:
    """Deactivate `user` in the caller's transaction, with no permission check.

    Django's ModelBackend rejects an inactive account at sign-in and ignores its
    sessions. Its sessions are also ended for good, so none works again after a
    reactivation, and its tokens are revoked, so a reactivated account issues new ones.
    Returns the number of tokens revoked, or None when the account was inactive already.
    """
    # Locking the account and the centre admins of its centres makes two
    # deactivations of the last two admins of one centre run one after the other.
    admin_centres = _admin_centres(user)
    admins = Membership.objects.filter(
        role=Role.CENTRE_ADMIN, centre_id__in=[c.pk for c in admin_centres]
    ).values_list("user_id", flat=True)
    locked = {user.pk, *admins}
    list(get_user_model().objects.select_for_update().filter(pk__in=locked))
    user.refresh_from_db(fields=["is_active"])
    if not user.is_active:
        return None
    for admin_centre in admin_centres:
        _check_not_last_admin(user, admin_centre)
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_sessions(user)
    return revoke_tokens(user)


def reactivate_account(*, actor: Any, user: Any, centre: Centre | None) -> None:
    """Let `user` sign in again. Reactivating an active account changes nothing."""
    actor_role = check_may_manage_account(actor, user, centre)
    with transaction.atomic():
        if set_active(user):
            record_account_event(
                "account.reactivated",
                actor=actor,
                actor_role=actor_role,
                user=user,
                centre=centre,
            )


def set_active(user: Any) -> bool:
    """Reactivate `user` in the caller's transaction, with no permission check.

    Returns whether the account was inactive. Sessions opened before the deactivation
    stay signed out, so the account signs in afresh.
    """
    updated = (
        get_user_model()
        .objects.filter(pk=user.pk, is_active=False)
        .update(is_active=True)
    )
    user.is_active = True
    return bool(updated)


def record_account_event(
    verb: str,
    *,
    actor: Any,
    actor_role: str,
    user: Any,
    centre: Centre | None,
    person_id: int | None = None,
    **data: Any,
) -> None:
    """Write the audit event `verb` about the account, and log it once the change
    commits.

    The event is about the person `person_id` when given, else about the user. `data`
    contains ids and counts, never personal data.
    """
    record_event(
        actor=actor,
        actor_role=actor_role,
        verb=verb,
        object_type="user" if person_id is None else "person",
        object_id=user.pk if person_id is None else person_id,
        centre=centre,
        data={"user_id": user.pk, **data},
    )
    ids = {
        "user_id": user.pk,
        "person_id": person_id,
        "centre_id": getattr(centre, "pk", None),
        "actor_id": getattr(actor, "pk", None),
        **data,
    }
    transaction.on_commit(lambda: log.info(verb, **ids))


def _admin_centres(user: Any) -> list[Centre]:
    rows = Membership.objects.filter(user=user, role=Role.CENTRE_ADMIN).select_related(
        "centre"
    )
    return [row.centre for row in rows if row.centre is not None]


def _check_not_last_admin(user: Any, centre: Centre) -> None:
    others = (
        Membership.objects.filter(
            role=Role.CENTRE_ADMIN, centre=centre, user__is_active=True
        )
        .exclude(user=user)
        .exists()
    )
    if not others:
        raise LastCentreAdmin(username=echoed(user.username), centre=centre.name)
