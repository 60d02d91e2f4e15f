"""Sign-in with a user name or a resident ID number (一号申请).

Every sign-in form and the API token endpoint take one identifier: a user name, or the
resident ID number of a registered person in any form that `parse_resident_id` accepts
(18 characters, lower-case x, or the 15-digit legacy number). An applicant registered at
the window has a random user name and signs in with the ID number. An enterprise's agent
signs in with their own ID number.

An identifier that is a valid ID number is looked up as an ID number first and as a user
name only when no person has it, so a user name cannot take over another person's
number. Registration rejects a user name that is someone else's ID number.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from onestop.core.errors import InvalidInput
from onestop.core.staff.accounts import check_not_deactivated
from onestop.identity.codes import ResidentId, parse_resident_id
from onestop.identity.models import Person

BACKEND = "onestop.identity.sign_in.UsernameOrIdNumberBackend"


def resident_id_or_none(identifier: str) -> ResidentId | None:
    """Return the identifier as a valid resident ID number, or None for anything else."""
    try:
        return parse_resident_id(identifier)
    except InvalidInput:
        return None


def find_sign_in_user(identifier: str) -> Any:
    """Return the user that signs in with `identifier`, or None.

    A valid ID number finds its person's user, or else a user of that name. Anything
    else finds the user of that name.
    """
    user_model = get_user_model()
    resident = resident_id_or_none(identifier)
    if resident is not None:
        person = (
            Person.objects.select_related("user")
            .filter(id_number=resident.number)
            .first()
        )
        if person is not None:
            return person.user
    return user_model.objects.filter(username=identifier.strip()).first()


def sign_in_account_name(identifier: str) -> str:
    """Return the one name under which the sign-ins of an account are counted.

    A valid ID number and the user name of its person give the same name, so failures
    in either form count against one limit. The name is the 18-character ID number
    when the identifier is one, or names a registered person. It is the stripped user
    name otherwise. An ID number gives its name without a look-up, so whether it is
    registered does not change how it is counted.
    """
    resident = resident_id_or_none(identifier)
    if resident is not None:
        return f"id:{resident.number}"
    username = identifier.strip()
    number = (
        Person.objects.filter(user__username=username)
        .values_list("id_number", flat=True)
        .first()
    )
    return f"id:{number}" if number else f"user:{username}"


def shown_identifier(identifier: str) -> str:
    """Return the identifier for a message: a valid ID number masked, a user name as is."""
    resident = resident_id_or_none(identifier)
    return resident.masked if resident is not None else identifier.strip()


def check_sign_in_not_deactivated(identifier: str, password: str) -> None:
    """Raise AccountDeactivated if the identifier's account is deactivated and
    `password` is its own (see `check_not_deactivated`)."""
    check_not_deactivated(
        find_sign_in_user(identifier), password, shown_as=shown_identifier(identifier)
    )


class UsernameOrIdNumberBackend(ModelBackend):
    """Django's model backend, taking a resident ID number where a user name goes.

    Every attempt computes exactly one password hash: the account's, or a throw-away
    one when no account has the identifier. So the time of a failure does not show
    whether an ID number is registered.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None

        user = find_sign_in_user(username)
        if user is None:
            # Hash the password once anyway, as ModelBackend does for an unknown name.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        # ModelBackend's own async version looks the user name up by itself, which
        # would skip the ID number, so the async path runs the sync one.
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )
