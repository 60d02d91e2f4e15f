"""Account care at the window under /api/v1/centres/{slug}: an applicant's password
reset, deactivation and reactivation after the clerk checked the ID card."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from onestop.core.centres import get_centre
from onestop.core.schemas import InputSchema
from onestop.identity.window_accounts import (
    WindowAccountStatus,
    deactivate_at_window,
    reactivate_at_window,
)
from onestop.identity.window_reset import reset_password_at_window

router = Router(tags=["identity"])


class ApplicantAtWindowIn(InputSchema):
    # The resident ID number on the card that the clerk checked in person.
    id_number: str


class WindowResetOut(Schema):
    id_number_masked: str
    username: str
    # The one-time initial password, returned only in this response.
    initial_password: str


class WindowAccountOut(Schema):
    id_number_masked: str
    username: str
    # False while the account is deactivated, so it cannot sign in or use tokens.
    is_active: bool


@router.post("/{slug}/applicant-password-resets", response={201: WindowResetOut})
def reset_applicant_password(
    request: HttpRequest, slug: str, payload: ApplicantAtWindowIn
) -> Status:
    reset = reset_password_at_window(
        actor=request.user, centre=get_centre(slug), id_number=payload.id_number
    )
    return Status(
        201,
        WindowResetOut(
            id_number_masked=reset.person.masked_id_number,
            username=reset.username,
            initial_password=reset.initial_password,
        ),
    )


@router.post("/{slug}/applicant-deactivations", response=WindowAccountOut)
def deactivate_applicant(
    request: HttpRequest, slug: str, payload: ApplicantAtWindowIn
) -> WindowAccountOut:
    """Stop the sign-in of an applicant whose ID card the clerk checked."""
    return _change_status(request, slug, payload, deactivate_at_window)


@router.post("/{slug}/applicant-reactivations", response=WindowAccountOut)
def reactivate_applicant(
    request: HttpRequest, slug: str, payload: ApplicantAtWindowIn
) -> WindowAccountOut:
    """Let an applicant whose ID card the clerk checked sign in again."""
    return _change_status(request, slug, payload, reactivate_at_window)


def _change_status(
    request: HttpRequest,
    slug: str,
    payload: ApplicantAtWindowIn,
    change: Callable[..., WindowAccountStatus],
) -> WindowAccountOut:
    status = change(
        actor=request.user, centre=get_centre(slug), id_number=payload.id_number
    )
    return WindowAccountOut(
        id_number_masked=status.person.masked_id_number,
        username=status.username,
        is_active=status.is_active,
    )
