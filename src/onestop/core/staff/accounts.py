"""Account care by admins: reset a password, deactivate and reactivate a sign-in.

A centre admin acts on accounts whose staff roles are all in their centre. A platform
admin, and an operator at the command line (`actor` None), act on any account. A window
clerk acts on applicants' accounts through `onestop.identity.window_accounts`, and the
Django admin on any account through `onestop.core.user_admin`. Both call the functions
here that check no permission. Every deactivation, and every password that an admin, a
clerk or an operator sets, goes through `end_account_access`, which ends the account's
sessions, revokes its API tokens and writes the audit event. Cases, audit events and
other records of an account stay when it is deactivated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
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
    AccountOfApplicant,
    AccountOutOfReach,
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

    Applies the rule of `account_denials` to one account.
    """
    actor_role, denials = account_denials(actor, [user], centre)
    denial = denials.get(user.pk)
    if denial is not None:
        raise denial
    return actor_role


def account_denials(
    actor: Any, users: Iterable[Any], centre: Centre | None
) -> tuple[str, dict[int, AccountOutOfReach]]:
    """Return the actor's role that allows resetting, deactivating and reactivating
    accounts, and for each of `users` out of its reach, the error that denies it.

    A centre admin of `centre` may act only on an account that has at least one staff
    role and all of them in `centre`, so applicants and staff of other centres are out
    of reach. Nor on one registered as an applicant (a Person), even with such roles:
    otherwise an admin could grant a role to any applicant's account and then take it
    over with a password reset. A platform admin may act on every account.

    Raises a permission error when the actor is no admin of `centre`. The role is empty
    when `centre` is None and the actor is no platform admin, because then every account
    is denied. Two queries serve any number of accounts, so a page can list them all.
    """
    users = list(users)
    if actor is None:
        return OPERATOR, {}
    if find_role(actor, [Role.PLATFORM_ADMIN]) is not None:
        return str(Role.PLATFORM_ADMIN), {}
    if centre is None:
        return "", {
            user.pk: AccountOutsideCentre(username=echoed(user.username), centre="—")
            for user in users
        }
    membership = require_role(actor, ADMIN_ROLES, centre=centre)
    user_ids = [user.pk for user in users]
    centre_ids: dict[int, set[int | None]] = defaultdict(set)
    for user_id, centre_id in Membership.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "centre_id"):
        centre_ids[user_id].add(centre_id)
    # Looked up by name: core does not import the identity app's models.
    applicants = set(
        apps.get_model("identity", "Person")
        .objects.filter(user_id__in=user_ids)
        .values_list("user_id", flat=True)
    )
    denials: dict[int, AccountOutOfReach] = {}
    for user in users:
        if centre_ids[user.pk] != {centre.pk}:
            denials[user.pk] = AccountOutsideCentre(
                username=echoed(user.username), centre=centre.name
            )
        elif user.pk in applicants:
            denials[user.pk] = AccountOfApplicant(username=echoed(user.username))
    return str(membership.role), denials


def issue_initial_password(
    user: Any,
    *,
    verb: str,
    actor: Any,
    actor_role: str,
    centre: Centre | None,
    person_id: int | None = None,
) -> str:
    """Give `user` a new random initial password, end its access and audit `verb`.

    Runs in the caller's transaction, with no permission check. The password must be
    changed at the next sign-in. Returns the password, which is stored only as a hash.
    """
    password = new_initial_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordChangeRequired.objects.get_or_create(user=user)
    end_account_access(
        user,
        verb=verb,
        actor=actor,
        actor_role=actor_role,
        centre=centre,
        person_id=person_id,
    )
    return password


def end_account_access(
    user: Any,
    *,
    verb: str,
    actor: Any,
    actor_role: str,
    centre: Centre | None,
    person_id: int | None = None,
) -> int:
    """End every session of `user`, revoke its API tokens and write the audit event
    `verb` with the number of tokens revoked, which it returns.

    Runs in the caller's transaction, after the caller deactivated the account or set
    its password. Django already signs a session out when the password hash changes,
    but not when the account is deactivated and reactivated, so the account's session
    generation goes up in both cases.
    """
    end_sessions(user)
    revoked = revoke_tokens(user)
    record_account_event(
        verb,
        actor=actor,
        actor_role=actor_role,
        user=user,
        centre=centre,
        person_id=person_id,
        tokens_revoked=revoked,
    )
    return revoked


def set_password_by_admin(
    user: Any, password: str | None, *, actor: Any, actor_role: str
) -> None:
    """Set the password that an admin chose for `user`, or with None disable password
    sign-in, and end the account's access.

    Runs in the caller's transaction, with no permission check. A password set for
    another account must be changed at its next sign-in, because the admin chose it.
    """
    if password is None:
        user.set_unusable_password()
        verb = "account.password_disabled"
    else:
        user.set_password(password)
        verb = "account.password_set"
    user.save(update_fields=["password"])
    if password is not None and (actor is None or actor.pk != user.pk):
        PasswordChangeRequired.objects.get_or_create(user=user)
    end_account_access(user, verb=verb, actor=actor, actor_role=actor_role, centre=None)


def revoke_tokens(user: Any) -> int:
    """Revoke every API token of `user` that is not revoked yet; return how many."""
    return ApiToken.objects.filter(user=user, revoked_at=None).update(
        revoked_at=timezone.now()
    )


def reset_password(*, actor: Any, user: Any, centre: Centre | None) -> str:
    """Issue a new initial password for `user`, returned once, and revoke its tokens."""
    actor_role = check_may_manage_account(actor, user, centre)
    with transaction.atomic():
        return issue_initial_password(
            user,
            verb="account.password_reset",
            actor=actor,
            actor_role=actor_role,
            centre=centre,
        )


def deactivate_account(*, actor: Any, user: Any, centre: Centre | None) -> bool:
    """Stop the sign-in of `user`: no sign-in, no session, no API token works.

    Returns False, and changes nothing, when the account was inactive already.
    """
    actor_role = check_may_manage_account(actor, user, centre)
    with transaction.atomic():
        return deactivate(user, actor=actor, actor_role=actor_role, centre=centre)


def deactivate(
    user: Any,
    *,
    actor: Any,
    actor_role: str,
    centre: Centre | None,
    verb: str = "account.deactivated",
    person_id: int | None = None,
) -> bool:
    """Deactivate `user` in the caller's transaction, with no permission check.

    Raises OwnAccountDeactivation when the actor is the account, and LastCentreAdmin
    when the account is the last active centre admin of a centre. Django's ModelBackend
    rejects an inactive account at sign-in and ignores its sessions. Its sessions are
    also ended for good, so none works again after a reactivation, and its tokens are
    revoked, so a reactivated account issues new ones. Returns False, and writes no
    audit event, when the account was inactive already.
    """
    check_not_own_account(actor, user)
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
        return False
    check_not_last_admin(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_account_access(
        user,
        verb=verb,
        actor=actor,
        actor_role=actor_role,
        centre=centre,
        person_id=person_id,
    )
    return True


def check_not_own_account(actor: Any, user: Any) -> None:
    """Raise OwnAccountDeactivation when `actor` is `user`, because an admin who
    deactivated their own account could not sign in to undo it."""
    if actor is not None and actor.pk == user.pk:
        raise OwnAccountDeactivation(username=echoed(user.username))


def check_not_last_admin(user: Any) -> None:
    """Raise LastCentreAdmin when `user` is the last active centre admin of a centre."""
    for admin_centre in _admin_centres(user):
        _check_not_last_admin(user, admin_centre)


def reactivate_account(*, actor: Any, user: Any, centre: Centre | None) -> bool:
    """Let `user` sign in again.

    Returns False, and changes nothing, when the account was active already.
    """
    actor_role = check_may_manage_account(actor, user, centre)
    with transaction.atomic():
        return reactivate(user, actor=actor, actor_role=actor_role, centre=centre)


def reactivate(
    user: Any,
    *,
    actor: Any,
    actor_role: str,
    centre: Centre | None,
    verb: str = "account.reactivated",
    person_id: int | None = None,
) -> bool:
    """Reactivate `user` in the caller's transaction, with no permission check.

    Sessions opened before the deactivation stay signed out, so the account signs in
    afresh. Returns False, and writes no audit event, when the account was active
    already.
    """
    updated = (
        get_user_model()
        .objects.filter(pk=user.pk, is_active=False)
        .update(is_active=True)
    )
    user.is_active = True
    if updated:
        record_account_event(
            verb,
            actor=actor,
            actor_role=actor_role,
            user=user,
            centre=centre,
            person_id=person_id,
        )
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
