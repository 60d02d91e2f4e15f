"""The window's password reset page (窗口重置密码) for applicants who show their ID card."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.core.errors import OneStopError
from onestop.core.pages import handles_errors
from onestop.identity.window_reset import WindowReset, reset_password_at_window
from onestop.window.errors import PasswordAlreadyIssued
from onestop.window.views import clerk_centre, new_form_id


@login_required
@handles_errors
def password_reset(request: HttpRequest) -> HttpResponse:
    """Reset an applicant's password after the clerk checked the ID card in person."""
    centre = clerk_centre(request.user)
    reset: WindowReset | None = None
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            _check_form_not_sent_before(request)
            reset = reset_password_at_window(
                actor=request.user,
                centre=centre,
                id_number=request.POST.get("id_number", ""),
            )
        except OneStopError as caught:
            error = caught
        else:
            _remember_form_sent(request)
    # The new password is in this response only. It is stored as a hash and never
    # kept in the session, so reloading the page does not show it again.
    return render(
        request,
        "window/password_reset.html",
        {
            "centre": centre,
            "reset": reset,
            "error": error,
            "form_id": new_form_id(),
        },
        status=error.status if error else 200,
    )


# The ids of the reset forms that this session sent, newest last. A browser's reload
# sends a form again; a password issued from it would replace the one already read
# out to the applicant. Only ids are kept, never a password.
SENT_FORMS_KEY = "onestop.window.password_forms_sent"
SENT_FORMS_KEPT = 20


def _check_form_not_sent_before(request: HttpRequest) -> None:
    form_id = request.POST.get("form_id", "")
    if form_id and form_id in request.session.get(SENT_FORMS_KEY, []):
        raise PasswordAlreadyIssued()


def _remember_form_sent(request: HttpRequest) -> None:
    form_id = request.POST.get("form_id", "")
    if form_id:
        sent = request.session.get(SENT_FORMS_KEY, [])
        request.session[SENT_FORMS_KEY] = [*sent, form_id][-SENT_FORMS_KEPT:]
