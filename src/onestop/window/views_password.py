"""The window's password reset page (窗口重置密码) for applicants who show their ID card."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.core.errors import OneStopError
from onestop.core.pages import handles_errors
from onestop.identity.window_reset import WindowReset, reset_password_at_window
from onestop.window.views import clerk_centre


@login_required
@handles_errors
def password_reset(request: HttpRequest) -> HttpResponse:
    """Reset an applicant's password after the clerk checked the ID card in person."""
    centre = clerk_centre(request.user)
    reset: WindowReset | None = None
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            reset = reset_password_at_window(
                actor=request.user,
                centre=centre,
                id_number=request.POST.get("id_number", ""),
            )
        except OneStopError as caught:
            error = caught
    # The new password is in this response only. It is stored as a hash and never
    # kept in the session, so reloading the page does not show it again.
    return render(
        request,
        "window/password_reset.html",
        {"centre": centre, "reset": reset, "error": error},
        status=error.status if error else 200,
    )
