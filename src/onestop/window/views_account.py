"""The window's page for deactivating and reactivating an applicant's account."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.core.errors import OneStopError
from onestop.core.pages import handles_errors, posted_choice
from onestop.identity.window_accounts import (
    WindowAccountStatus,
    deactivate_at_window,
    reactivate_at_window,
)
from onestop.window.views import clerk_centre

STATUS_ACTIONS = ("deactivate", "reactivate")


@login_required
@handles_errors
def account_status(request: HttpRequest) -> HttpResponse:
    """Deactivate or reactivate an applicant's account after the clerk checked the ID
    card in person."""
    centre = clerk_centre(request.user)
    status: WindowAccountStatus | None = None
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            action = posted_choice(request, "action", STATUS_ACTIONS)
            change = (
                deactivate_at_window if action == "deactivate" else reactivate_at_window
            )
            status = change(
                actor=request.user,
                centre=centre,
                id_number=request.POST.get("id_number", ""),
            )
        except OneStopError as caught:
            error = caught
    return render(
        request,
        "window/account_status.html",
        {"centre": centre, "status": status, "error": error},
        status=error.status if error else 200,
    )
