"""The kiosk flag of a session, which keeps a kiosk's browser in the touch layout."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from onestop.core.permissions import is_staff_account

# Set in the session by the first /kiosk/ page. Signing in keeps the session's data, and
# signing out at a kiosk returns to /kiosk/, which sets the flag again in the new session.
KIOSK_SESSION_KEY = "onestop.kiosk"


def mark_kiosk_session(request: HttpRequest) -> None:
    """Mark the request and its session as coming from a kiosk."""
    request.kiosk = True  # type: ignore[attr-defined]
    if not request.session.get(KIOSK_SESSION_KEY):
        request.session[KIOSK_SESSION_KEY] = True
    keep_kiosk_session_alive(request)


def keep_kiosk_session_alive(request: HttpRequest) -> None:
    """End the kiosk session after ONESTOP_KIOSK_IDLE_SECONDS without a request.

    Setting the expiry saves the session, so each page of the session starts the
    period again. A kiosk's page also signs out by itself after that long without a
    touch.
    """
    request.session.set_expiry(settings.ONESTOP_KIOSK_IDLE_SECONDS)


class KioskSessionMiddleware:
    """Set `request.kiosk`, true in a session that has opened a kiosk page.

    Pages outside /kiosk/, such as the profile, the messages or the registration page,
    then use the touch layout and file on the kiosk channel too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Lazy, so that a request that never reads the flag, such as an API call, does
        # not load the session from the database. A staff account's session is never a
        # kiosk session, even one flagged before the account was given a staff role.
        request.kiosk = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: (
                bool(request.session.get(KIOSK_SESSION_KEY))
                and not is_staff_account(request.user)
            )
        )
        response = self.get_response(request)
        if not request.path.startswith("/api/") and request.kiosk:  # type: ignore[attr-defined]
            keep_kiosk_session_alive(request)
        return response
