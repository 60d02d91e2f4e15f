"""The kiosk flag of a session, which keeps a kiosk's browser in the touch layout."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

# Set in the session by the first /kiosk/ page. Signing in keeps the session's data, and
# signing out at a kiosk returns to /kiosk/, which sets the flag again in the new session.
KIOSK_SESSION_KEY = "onestop.kiosk"


def mark_kiosk_session(request: HttpRequest) -> None:
    """Mark the request and its session as coming from a kiosk."""
    request.kiosk = True  # type: ignore[attr-defined]
    if not request.session.get(KIOSK_SESSION_KEY):
        request.session[KIOSK_SESSION_KEY] = True


class KioskSessionMiddleware:
    """Set `request.kiosk`, true in a session that has opened a kiosk page.

    Pages outside /kiosk/, such as the profile, the messages or the registration page,
    then use the touch layout and file on the kiosk channel too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Lazy, so that a request that never reads the flag, such as an API call, does
        # not load the session from the database.
        request.kiosk = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: bool(request.session.get(KIOSK_SESSION_KEY))
        )
        return self.get_response(request)
