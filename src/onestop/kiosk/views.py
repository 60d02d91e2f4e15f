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
    centres = list_centres()
    if centres:
        return redirect("kiosk:matters", centres[0].slug)
    return portal.centres(request)


def on_kiosk_signed_in(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Send a visitor who is not signed in to the kiosk's sign-in page, then to the view."""
    return on_kiosk(login_required(view, login_url="kiosk:login"))


login = on_kiosk(ThrottledLoginView.as_view(next_page="kiosk:home"))
matters = on_kiosk(portal.matters)
guide = on_kiosk(portal.guide)
apply = on_kiosk_signed_in(portal.apply)
case = on_kiosk_signed_in(portal.case)
