"""The self-service kiosk (自助终端): the portal's pages in a large touch layout.

A kiosk shows the same matters, guides and forms as the portal; its cases are filed on the
kiosk channel. Applicants sign in on the kiosk's own sign-in page with their own account, so
the sign-in page has the touch layout too. The first kiosk page flags the session, so the
pages that the header links to (messages, profile, registration and others) keep the
touch layout as well. A signed-in staff account gets a page that offers to sign out
instead, and its session is never flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from onestop.catalog.queries import list_centres
from onestop.core.errors import PermissionDenied
from onestop.core.logging import get_logger
from onestop.core.permissions import is_staff_account
from onestop.identity.views import ThrottledLoginView
from onestop.kiosk.middleware import (
    KIOSK_COOKIE,
    KIOSK_SESSION_KEY,
    mark_kiosk_session,
)
from onestop.portal import views as portal

log = get_logger(__name__)

# The cookie that names the centre a kiosk serves, kept for ten years: it belongs to
# the kiosk's browser, not to a session.
KIOSK_CENTRE_COOKIE = "onestop_kiosk_centre"
KIOSK_CENTRE_COOKIE_AGE = 10 * 365 * 24 * 3600


class StaffSessionAtKiosk(PermissionDenied):
    code = "auth.staff_session_at_kiosk"
    message = _(
        "This self-service kiosk is for applicants, so the staff account %(username)s "
        "cannot use it. Sign out here to let applicants use the kiosk, and use the "
        "staff pages at a staff computer."
    )


def on_kiosk(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark the request and its session as coming from a kiosk.

    Pages then use the touch layout and the kiosk channel, and so do the later pages of
    the session outside /kiosk/ (see KioskSessionMiddleware).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_staff_account(request.user):
            return staff_session_page(request)
        mark_kiosk_session(request)
        return view(request, *args, **kwargs)

    return wrapper


def staff_session_page(request: HttpRequest) -> HttpResponse:
    """Reject a kiosk page for a signed-in staff account with 403 and offer to sign out.

    The session is not flagged as a kiosk session, and a flag it has already is
    removed, so no staff session takes the kiosk's layout and channel. The kiosk cookie
    is removed too, so the browser's sign-in pages are the desktop's again.
    """
    request.session.pop(KIOSK_SESSION_KEY, None)
    request.kiosk = False  # type: ignore[attr-defined]
    user = request.user
    log.info("auth.staff_session_at_kiosk_rejected", user_id=user.pk, path=request.path)
    error = StaffSessionAtKiosk(username=user.get_username())
    response = render(
        request, "kiosk/staff_session.html", {"error": error}, status=error.status
    )
    response.delete_cookie(KIOSK_COOKIE, samesite="Lax")
    return response


@on_kiosk
def home(request: HttpRequest) -> HttpResponse:
    """Open the matters of the kiosk's centre, or let the visitor choose a centre.

    The kiosk's centre is the one named by `?centre=`, else the one whose pages the
    kiosk last showed (a cookie that outlives sessions, so signing out and the idle
    restart return to it), else the only centre there is.
    """
    centres = {centre.slug: centre for centre in list_centres()}
    chosen = request.GET.get("centre") or request.COOKIES.get(KIOSK_CENTRE_COOKIE, "")
    if chosen in centres:
        return remember_centre(redirect("kiosk:matters", chosen), chosen)
    if len(centres) == 1:
        return redirect("kiosk:matters", next(iter(centres)))
    return render(request, "core/home.html", {"centres": list(centres.values())})


def remember_centre(response: HttpResponse, slug: str) -> HttpResponse:
    """Make `slug` the centre that the kiosk's browser returns to from /kiosk/."""
    response.set_cookie(
        KIOSK_CENTRE_COOKIE,
        slug,
        max_age=KIOSK_CENTRE_COOKIE_AGE,
        path="/kiosk/",
        httponly=True,
        samesite="Lax",
    )
    return response


def in_centre(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Remember the centre of a kiosk page that was shown, for `home`."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, slug: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = view(request, slug, *args, **kwargs)
        if (
            response.status_code < 400
            and request.COOKIES.get(KIOSK_CENTRE_COOKIE) != slug
        ):
            remember_centre(response, slug)
        return response

    return wrapper


def on_kiosk_signed_in(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Send a visitor who is not signed in to the kiosk's sign-in page, then to the view."""
    return on_kiosk(login_required(view, login_url="kiosk:login"))


login = on_kiosk(ThrottledLoginView.as_view(next_page="kiosk:home"))
matters = on_kiosk(in_centre(portal.matters))
guide = on_kiosk(in_centre(portal.guide))
apply = on_kiosk_signed_in(in_centre(portal.apply))
case = on_kiosk_signed_in(portal.case)
