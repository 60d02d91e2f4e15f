"""The kiosk flag of a session, which keeps a kiosk's browser in the touch layout, and
the kiosk cookie, which sends the browser to the kiosk's sign-in after its session ended.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from onestop.core.permissions import is_staff_account

# Set in the session by the first /kiosk/ page. Signing in keeps the session's data, and
# signing out at a kiosk returns to /kiosk/, which sets the flag again in the new session.
KIOSK_SESSION_KEY = "onestop.kiosk"
# Set by every kiosk page and kept until the browser closes. A kiosk's session ends after
# ONESTOP_KIOSK_IDLE_SECONDS, and its flag with it, so only the cookie still marks the
# browser as a kiosk's when a page then sends it to sign in.
KIOSK_COOKIE = "onestop_kiosk"


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
        if request.path.startswith("/api/"):
            return response
        if request.kiosk:  # type: ignore[attr-defined]
            keep_kiosk_session_alive(request)
            set_kiosk_cookie(response)
        if request.kiosk or KIOSK_COOKIE in request.COOKIES:  # type: ignore[attr-defined]
            send_to_kiosk_sign_in(response)
        return response


def set_kiosk_cookie(response: HttpResponse) -> None:
    """Mark the browser as a kiosk's until it closes."""
    response.set_cookie(
        KIOSK_COOKIE,
        "1",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def send_to_kiosk_sign_in(response: HttpResponse) -> None:
    """Point a redirect to the desktop sign-in page at the kiosk's sign-in page instead.

    The query, with the `next` path to return to after signing in, stays as it is.
    """
    location = response.get("Location")
    if response.status_code not in (301, 302, 303) or not location:
        return
    parts = urlsplit(location)
    if parts.path != resolve_url(settings.LOGIN_URL):
        return
    kiosk_sign_in = parts._replace(path=reverse("kiosk:login"))
    response["Location"] = urlunsplit(kiosk_sign_in)
