"""Applicant password reset at the window (窗口重置密码).

A window clerk checks the person's resident ID card in person, finds the applicant's
account by the ID number and issues a one-time initial password. The account must
replace it at its next sign-in, and its API tokens and sessions stop working at once.
Staff accounts are reset by their admins, never at the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import record_event
from onestop.core.errors import PermissionDenied
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Membership, Role
from onestop.core.permissions import require_role
from onestop.core.staff.accounts import issue_initial_password
from onestop.identity.initial_password import WINDOW_RESET_VERB
from onestop.identity.lookup import find_person_by_id_number
from onestop.identity.models import Person

log = get_logger(__name__)


class StaffAccountAtWindow(PermissionDenied):
    code = "account.staff_account_at_window"
    message = _(
        "The account of the ID number %(masked)s has a staff role, so its password "
        "cannot be reset at the window. Ask an admin of its centre to reset it on the "
        "staff page."
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
    membership = require_role(actor, [Role.CLERK], centre=centre)
    person = find_person_by_id_number(id_number)
    if Membership.objects.filter(user_id=person.user_id).exists():
        raise StaffAccountAtWindow(masked=person.masked_id_number)
    user = person.user
    with transaction.atomic():
        password, revoked = issue_initial_password(user)
        record_event(
            actor=actor,
            actor_role=membership.role,
            verb=WINDOW_RESET_VERB,
            object_type="person",
            object_id=person.pk,
            centre=centre,
            data={"user_id": user.pk, "tokens_revoked": revoked},
        )
    log.info(
        WINDOW_RESET_VERB,
        person_id=person.pk,
        user_id=user.pk,
        centre_id=centre.pk,
        actor_id=actor.pk,
        tokens_revoked=revoked,
    )
    return WindowReset(
        person=person, username=user.get_username(), initial_password=password
    )
