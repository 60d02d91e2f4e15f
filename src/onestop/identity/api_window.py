"""POST /api/v1/centres/{slug}/applicant-password-resets: reset at the window."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from onestop.core.centres import get_centre
from onestop.core.schemas import InputSchema
from onestop.identity.window_reset import reset_password_at_window

router = Router(tags=["identity"])


class WindowResetIn(InputSchema):
    # The resident ID number on the card that the clerk checked in person.
    id_number: str


class WindowResetOut(Schema):
    id_number_masked: str
    username: str
    # The one-time initial password, returned only in this response.
    initial_password: str


@router.post("/{slug}/applicant-password-resets", response={201: WindowResetOut})
def reset_applicant_password(
    request: HttpRequest, slug: str, payload: WindowResetIn
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
