"""The staff page of a centre: its staff roles, a grant form and revoke buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.core.centres import get_centre
from onestop.core.errors import OneStopError, echoed
from onestop.core.models import Centre, Department, Membership, Role
from onestop.core.pages import administered_centre_index, handles_errors, posted_choice
from onestop.core.permissions import (
    find_role,
)
from onestop.core.staff import accounts, actions, queries
from onestop.core.staff.errors import (
    AccountOutOfReach,
    OwnAccountDeactivation,
    StaffRoleNotFound,
)
from onestop.core.staff.rules import role_text
from onestop.identity.models import Person

STAFF_ACTIONS = ("grant", "revoke")
ACCOUNT_ACTIONS = ("reset_password", "deactivate", "reactivate")
# A staff role id as the revoke button posts it: digits only, within a 64-bit key.
_ROLE_ID = re.compile(r"[0-9]{1,18}")


@login_required
@handles_errors
def index(request: HttpRequest) -> HttpResponse:
    """Send a centre admin to their centre's staff page; list the centres otherwise."""
    return administered_centre_index(request, "staff:centre", "core/staff_index.html")


@login_required
@handles_errors
def centre_staff(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_centre(slug)
    rows = queries.staff_roles_for(request.user, centre)
    error: OneStopError | None = None
    initial_password = ""
    if request.method == "POST":
        try:
            action = posted_choice(request, "action", STAFF_ACTIONS + ACCOUNT_ACTIONS)
            if action == "revoke":
                _revoke(request, centre)
                return redirect("staff:centre", slug=centre.slug)
            if action in ACCOUNT_ACTIONS:
                initial_password = _change_account(request, centre, action)
            else:
                initial_password = _grant(request, centre).initial_password
        except OneStopError as caught:
            error = caught
        else:
            if not initial_password:
                return redirect("staff:centre", slug=centre.slug)
            # The password is shown in this response only and is never stored in
            # the session, so reloading the page does not show it again.
            rows = queries.staff_roles_for(request.user, centre)
    context = {
        "centre": centre,
        "rows": rows,
        "roles": _grantable_roles(request),
        "departments": Department.objects.for_centre(centre).order_by("role_key"),
        "department_roles": [
            str(role) for role in (Role.REVIEWER, Role.DEPARTMENT_ADMIN)
        ],
        "error": error,
        "typed": request.POST
        if error is not None and request.POST.get("action") == "grant"
        else {},
        "accounts": _account_rows(request, centre, rows),
        "initial_password": initial_password,
        "password_reset": request.POST.get("action") == "reset_password",
        "granted_username": request.POST.get("username", "")
        if initial_password
        else "",
    }
    return render(
        request,
        "core/staff.html",
        context,
        status=error.status if error is not None else 200,
    )


def _grant(request: HttpRequest, centre: Centre) -> actions.Grant:
    grant = actions.grant_role(
        actor=request.user,
        username=request.POST.get("username", "").strip(),
        role=request.POST.get("role", ""),
        centre=centre,
        department=request.POST.get("department", ""),
        create_account=request.POST.get("create_account") == "on",
    )
    messages.success(
        request,
        _("Granted the role %(role)s to %(username)s.")
        % {
            "role": role_text(grant.membership.role),
            "username": grant.membership.user.username,
        },
    )
    if Person.objects.filter(user_id=grant.membership.user_id).exists():
        # The grant goes ahead, because the case actions reject each of the person's
        # own cases.
        messages.warning(
            request,
            _(
                "%(username)s is also a registered applicant, so they cannot handle "
                "their own cases or those of an enterprise they are an agent of. "
                "Another member of staff must handle those."
            )
            % {"username": grant.membership.user.username},
        )
    return grant


def _revoke(request: HttpRequest, centre: Centre) -> None:
    posted = request.POST.get("role_id", "")
    if not _ROLE_ID.fullmatch(posted):
        raise StaffRoleNotFound(role_id=echoed(posted), centre=centre.name)
    membership = queries.get_staff_role_for(request.user, centre, int(posted))
    actions.revoke_role(actor=request.user, membership=membership)
    messages.success(
        request,
        _("Revoked the role %(role)s of %(username)s.")
        % {"role": role_text(membership.role), "username": membership.user.username},
    )


def _change_account(request: HttpRequest, centre: Centre, action: str) -> str:
    """Reset, deactivate or reactivate the posted account; return a new password."""
    username = request.POST.get("username", "").strip()
    user = accounts.get_account_for(request.user, centre, username)
    if action == "reset_password":
        password = accounts.reset_password(actor=request.user, user=user, centre=centre)
        messages.success(
            request,
            _(
                "The password of %(username)s is reset. Its sessions and API tokens "
                "no longer work."
            )
            % {"username": user.username},
        )
        return password
    if action == "deactivate":
        accounts.deactivate_account(actor=request.user, user=user, centre=centre)
        done = _("The account %(username)s is deactivated.")
    else:
        accounts.reactivate_account(actor=request.user, user=user, centre=centre)
        done = _("The account %(username)s is active again.")
    messages.success(request, done % {"username": user.username})
    return ""


@dataclass(frozen=True)
class AccountRow:
    """An account in the staff page's list, with the errors that the account actions
    would raise for the viewer, or None where they would go ahead."""

    user: Any
    # The error that denies the viewer any action on the account.
    denial: AccountOutOfReach | None
    # The error that denies the viewer only its deactivation, as for their own account.
    deactivation_denial: OwnAccountDeactivation | None


def _account_rows(
    request: HttpRequest, centre: Centre, rows: list[Membership]
) -> list[AccountRow]:
    """Return the accounts of the staff roles `rows`, each with the errors that
    `accounts.reset_password` and `accounts.deactivate_account` would raise for it."""
    users = queries.accounts_of(rows)
    _, denials = accounts.account_denials(request.user, users, centre)
    return [
        AccountRow(user, denials.get(user.pk), _own_account_denial(request, user))
        for user in users
    ]


def _own_account_denial(
    request: HttpRequest, user: Any
) -> OwnAccountDeactivation | None:
    try:
        accounts.check_not_own_account(request.user, user)
    except OwnAccountDeactivation as denial:
        return denial
    return None


def _grantable_roles(request: HttpRequest) -> list[tuple[str, str]]:
    """Return the roles the form offers: platform admin only to a platform admin."""
    platform_admin = find_role(request.user, [Role.PLATFORM_ADMIN]) is not None
    return [
        (str(value), str(label))
        for value, label in Role.choices
        if value != Role.PLATFORM_ADMIN or platform_admin
    ]
