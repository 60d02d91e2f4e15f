"""Applicant password reset at the window (窗口重置密码).

A window clerk checks the person's resident ID card in person, finds the applicant's
account by the ID number and issues a one-time initial password. The account must
replace it at its next sign-in, and its API tokens and sessions stop working at once.
Staff accounts are reset by their admins, never at the window. The same checks find the
applicant when a clerk deactivates or reactivates an account (`window_accounts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import PermissionDenied
from onestop.core.models import Centre, Membership, Role
from onestop.core.permissions import is_staff_account, require_role
from onestop.core.staff.accounts import issue_initial_password
from onestop.identity.initial_password import WINDOW_RESET_VERB
from onestop.identity.lookup import find_person_by_id_number
from onestop.identity.models import Person


class StaffAccountAtWindow(PermissionDenied):
    code = "account.staff_account_at_window"
    message = _(
        "The account of the ID number %(masked)s has a staff role, so its password "
        "cannot be reset at the window. Ask a platform admin to reset it: an account "
        "registered with an ID number is out of a centre admin's reach."
    )


@dataclass(frozen=True)
class WindowReset:
    """The applicant whose password was reset, and the new initial password."""

    person: Person
    username: str
    initial_password: str


def reset_password_at_window(
    *, actor: Any, centre: Centre, id_number: str
) -> WindowReset:
    """Issue a one-time initial password for the applicant with `id_number`.

    The clerk must have checked the ID card in person. The ID number appears only
    masked in errors, the audit event and the log.
    """
    membership, person = find_applicant_at_window(
        actor, centre, id_number, staff_error=StaffAccountAtWindow
    )
    user = person.user
    with transaction.atomic():
        password = issue_initial_password(
            user,
            verb=WINDOW_RESET_VERB,
            actor=actor,
            actor_role=membership.role,
            centre=centre,
            person_id=person.pk,
        )
    return WindowReset(
        person=person, username=user.get_username(), initial_password=password
    )


def find_applicant_at_window(
    actor: Any,
    centre: Centre,
    id_number: str,
    *,
    staff_error: type[StaffAccountAtWindow],
) -> tuple[Membership, Person]:
    """Return the actor's clerk role in `centre` and the applicant with `id_number`.

    Raises `staff_error` when the applicant's account has a staff role or may open
    the admin, because only its admins change such an account.
    """
    membership = require_role(actor, [Role.CLERK], centre=centre)
    person = find_person_by_id_number(id_number)
    if is_staff_account(person.user):
        raise staff_error(masked=person.masked_id_number)
    return membership, person
