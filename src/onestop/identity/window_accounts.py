"""Deactivating and reactivating an applicant's account at the window.

An applicant whose account may be misused requests at the window that a clerk stop its
sign-in, and requests again that the clerk start it. The clerk checks the resident ID
card in person and finds the account by the ID number, as for a password reset at the
window. Staff accounts are deactivated and reactivated by their admins, never at the
window. A platform admin and an operator (`onestop account`) may deactivate and
reactivate any account as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.models import Centre
from onestop.core.staff.accounts import deactivate, reactivate
from onestop.identity.models import Person
from onestop.identity.window_reset import (
    StaffAccountAtWindow,
    find_applicant_at_window,
)


class StaffAccountStatusAtWindow(StaffAccountAtWindow):
    message = _(
        "The account of the ID number %(masked)s has a staff role, so it cannot be "
        "deactivated or reactivated at the window. Ask a platform admin to do it: an "
        "account registered with an ID number is out of a centre admin's reach."
    )


@dataclass(frozen=True)
class WindowAccountStatus:
    """The applicant's account after a deactivation or reactivation at the window."""

    person: Person
    username: str
    is_active: bool
    # False when the account already had the requested status.
    changed: bool


def deactivate_at_window(
    *, actor: Any, centre: Centre, id_number: str
) -> WindowAccountStatus:
    """Stop the sign-in of the applicant with `id_number`: sessions and tokens end.

    Deactivating a deactivated account changes nothing and writes no audit event.
    """
    membership, person = find_applicant_at_window(
        actor, centre, id_number, staff_error=StaffAccountStatusAtWindow
    )
    with transaction.atomic():
        changed = deactivate(
            person.user,
            verb="account.deactivated_at_window",
            actor=actor,
            actor_role=membership.role,
            centre=centre,
            person_id=person.pk,
        )
    return _status(person, changed=changed)


def reactivate_at_window(
    *, actor: Any, centre: Centre, id_number: str
) -> WindowAccountStatus:
    """Let the applicant with `id_number` sign in again.

    Sessions opened before the deactivation stay signed out. Reactivating an active
    account changes nothing and writes no audit event.
    """
    membership, person = find_applicant_at_window(
        actor, centre, id_number, staff_error=StaffAccountStatusAtWindow
    )
    with transaction.atomic():
        changed = reactivate(
            person.user,
            verb="account.reactivated_at_window",
            actor=actor,
            actor_role=membership.role,
            centre=centre,
            person_id=person.pk,
        )
    return _status(person, changed=changed)


def _status(person: Person, *, changed: bool) -> WindowAccountStatus:
    user = person.user
    return WindowAccountStatus(
        person=person,
        username=user.get_username(),
        is_active=user.is_active,
        changed=changed,
    )
