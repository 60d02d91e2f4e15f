"""/api/v1/centres/{slug}/accounts/{username}: reset a password, deactivate, reactivate."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from onestop.core.centres import get_centre
from onestop.core.staff import accounts

router = Router(tags=["staff"])


class AccountOut(Schema):
    username: str
    # False while the account is deactivated, so it cannot sign in or use tokens.
    is_active: bool


class PasswordResetOut(AccountOut):
    # The new initial password, returned only in this response. The account must
    # replace it at its next sign-in.
    initial_password: str


@router.post("/{slug}/accounts/{username}/password-reset", response=PasswordResetOut)
def reset_password(request: HttpRequest, slug: str, username: str) -> PasswordResetOut:
    centre = get_centre(slug)
    user = accounts.get_account_for(request.user, centre, username)
    password = accounts.reset_password(actor=request.user, user=user, centre=centre)
    return PasswordResetOut(
        username=user.username, is_active=user.is_active, initial_password=password
    )


@router.post("/{slug}/accounts/{username}/deactivate", response=AccountOut)
def deactivate(request: HttpRequest, slug: str, username: str) -> AccountOut:
    centre = get_centre(slug)
    user = accounts.get_account_for(request.user, centre, username)
    accounts.deactivate_account(actor=request.user, user=user, centre=centre)
    return AccountOut(username=user.username, is_active=user.is_active)


@router.post("/{slug}/accounts/{username}/reactivate", response=AccountOut)
def reactivate(request: HttpRequest, slug: str, username: str) -> AccountOut:
    centre = get_centre(slug)
    user = accounts.get_account_for(request.user, centre, username)
    accounts.reactivate_account(actor=request.user, user=user, centre=centre)
    return AccountOut(username=user.username, is_active=user.is_active)
