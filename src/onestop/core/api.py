"""POST /api/v1/auth/token: exchange a user name or a resident ID number, and the
password, for a bearer token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from onestop.core.actions import issue_api_token
from onestop.core.errors import NotAuthenticated
from onestop.core.schemas import InputSchema
from onestop.identity.initial_password import check_password_changed
from onestop.identity.sign_in import check_sign_in_not_deactivated
from onestop.identity.throttle import (
    check_sign_in_allowed,
    record_failed_sign_in,
    record_successful_sign_in,
)

router = Router(tags=["auth"])


class BadCredentials(NotAuthenticated):
    code = "auth.bad_credentials"
    message = _("The user name or ID number, or the password, is wrong.")


class TokenRequest(InputSchema):
    # A user name, or the resident ID number of a registered person.
    username: str
    password: str
    name: str = "api"


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105  (the scheme name, not a secret)


@router.post("/token", auth=None, response=TokenOut)
def create_token(request: HttpRequest, payload: TokenRequest) -> TokenOut:
    check_sign_in_allowed(request, payload.username)

    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        check_sign_in_not_deactivated(payload.username, payload.password)
        record_failed_sign_in(request, payload.username)
        raise BadCredentials()

    record_successful_sign_in(payload.username)
    check_password_changed(user)
    return TokenOut(token=issue_api_token(actor=user, name=payload.name))
