"""The staff page of a centre: its staff roles, a grant form and revoke buttons."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.core.centres import get_centre
from onestop.core.errors import OneStopError
from onestop.core.models import Centre, Department, Role
from onestop.core.pages import handles_errors, posted_choice
from onestop.core.permissions import RoleRequired, centres_of, find_role
from onestop.core.staff import actions, queries
from onestop.core.staff.errors import StaffRoleNotFound
from onestop.core.staff.rules import role_text

STAFF_ACTIONS = ("grant", "revoke")
# A staff role id as the revoke button posts it: digits only, within a 64-bit key.
_ROLE_ID = re.compile(r"[0-9]{1,18}")


@login_required
@handles_errors
def index(request: HttpRequest) -> HttpResponse:
    """Send a centre admin to their centre's staff page; list the centres otherwise."""
    if find_role(request.user, [Role.PLATFORM_ADMIN]) is not None:
        centres = list(Centre.objects.order_by("region_code"))
    else:
        ids = centres_of(request.user, [Role.CENTRE_ADMIN])
        centres = list(Centre.objects.filter(pk__in=ids).order_by("region_code"))
    if not centres:
        raise RoleRequired(role=Role.CENTRE_ADMIN)
    if len(centres) == 1:
        return redirect("staff:centre", slug=centres[0].slug)
    return render(request, "core/staff_index.html", {"centres": centres})


@login_required
@handles_errors
def centre_staff(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_centre(slug)
    rows = queries.staff_roles_for(request.user, centre)
    error: OneStopError | None = None
    initial_password = ""
    if request.method == "POST":
        try:
            action = posted_choice(request, "action", STAFF_ACTIONS)
            if action == "revoke":
                _revoke(request, centre)
                return redirect("staff:centre", slug=centre.slug)
            grant = _grant(request, centre)
        except OneStopError as caught:
            error = caught
        else:
            if not grant.initial_password:
                return redirect("staff:centre", slug=centre.slug)
            # The password is shown in this response only and is never stored in
            # the session, so reloading the page does not show it again.
            initial_password = grant.initial_password
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
        "typed": request.POST if error is not None else {},
        "initial_password": initial_password,
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
    return grant


def _revoke(request: HttpRequest, centre: Centre) -> None:
    posted = request.POST.get("role_id", "")
    if not _ROLE_ID.fullmatch(posted):
        raise StaffRoleNotFound(role_id=posted[:20], centre=centre.name)
    membership = queries.get_staff_role_for(request.user, centre, int(posted))
    actions.revoke_role(actor=request.user, membership=membership)
    messages.success(
        request,
        _("Revoked the role %(role)s of %(username)s.")
        % {"role": role_text(membership.role), "username": membership.user.username},
    )


def _grantable_roles(request: HttpRequest) -> list[tuple[str, str]]:
    """Return the roles the form offers: platform admin only to a platform admin."""
    platform_admin = find_role(request.user, [Role.PLATFORM_ADMIN]) is not None
    return [
        (str(value), str(label))
        for value, label in Role.choices
        if value != Role.PLATFORM_ADMIN or platform_admin
    ]
