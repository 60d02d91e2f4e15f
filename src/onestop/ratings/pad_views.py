"""Pages of rating pads: the pad itself, turned to the applicant, and the staff pages
that pair and revoke pads.

The pad's page polls its panel with htmx. The panel returns 204 while the pad's screen is
still current, so a form being filled in is not replaced.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.core.errors import OneStopError
from onestop.core.models import Role
from onestop.core.pages import handles_errors
from onestop.core.permissions import find_role
from onestop.core.window_choice import preselect_window
from onestop.core.windows import active_windows
from onestop.identity.throttle import check_address_allowed, record_address_use
from onestop.ratings import queries
from onestop.ratings.actions import rate_by_link
from onestop.ratings.api import link_path
from onestop.ratings.errors import RatingLinkNotFound, TooManyPairingsFromAddress
from onestop.ratings.models import (
    PAD_COOKIE,
    PAD_COOKIE_DAYS,
    PAIRING_MINUTES,
    Level,
    RatingChannel,
    RatingLink,
    RatingPad,
)
from onestop.ratings.pads import pair_pad, record_pad_seen, revoke_pad, start_pairing
from onestop.ratings.presenters import qr_code_svg
from onestop.ratings.views import posted_rating, tag_choices

# The throttle counter of pairing codes handed to devices without a pad cookie, per
# client address (ONESTOP_PAD_PAIRINGS_PER_ADDRESS in 15 minutes).
PAIRING_PURPOSE = "pad_pairing"


# States of the pad's screen, sent back by its polls as `shown`: the pairing code, the
# idle screen, the thanks after a rating, or link-<id> for a rating form.
PAIRING = "pairing"
IDLE = "idle"
THANKS = "thanks"


def _refresh() -> HttpResponse:
    # Makes htmx reload the whole page: the pad was paired, revoked or its code expired.
    response = HttpResponse(status=200)
    response["HX-Refresh"] = "true"
    return response


# --- the pad -----------------------------------------------------------------------------


@handles_errors
def pad(request: HttpRequest) -> HttpResponse:
    """Show the paired pad's screen, or a pairing code on a device that is not paired."""
    found = queries.get_request_pad(request)
    if found is not None:
        record_pad_seen(found)
        return render(request, "ratings/pad.html", _panel_context(request, found))

    pairing = queries.get_request_pairing(request)
    secret = None
    if pairing is None:
        check_address_allowed(request, PAIRING_PURPOSE, TooManyPairingsFromAddress)
        pairing, secret = start_pairing()
        record_address_use(
            request, PAIRING_PURPOSE, settings.ONESTOP_PAD_PAIRINGS_PER_ADDRESS
        )
    response = render(
        request,
        "ratings/pad_pairing.html",
        {
            "code": f"{pairing.code[:4]}-{pairing.code[4:]}",
            "expires_at": pairing.expires_at,
            "minutes": PAIRING_MINUTES,
        },
    )
    if secret is not None:
        response.set_cookie(
            PAD_COOKIE,
            secret,
            max_age=PAD_COOKIE_DAYS * 24 * 3600,
            secure=settings.ONESTOP_PAD_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
    return response


def pad_panel(request: HttpRequest) -> HttpResponse:
    """Return the pad's panel, 204 when `shown` is still current, or a page reload."""
    found = queries.get_request_pad(request)
    if found is None:
        if queries.get_request_pairing(request) is not None:
            return HttpResponse(status=204)
        return _refresh()
    record_pad_seen(found)
    if request.GET.get("shown") == PAIRING:
        return _refresh()
    context = _panel_context(request, found)
    if request.GET.get("shown") == context["state"]:
        return HttpResponse(status=204)
    return render(request, "ratings/_pad_panel.html", context)


@require_POST
def pad_rate(request: HttpRequest) -> HttpResponse:
    """Record the rating made on the pad, and show the thanks or the form with its error."""
    found = queries.get_request_pad(request)
    if found is None:
        return _refresh()
    try:
        link = _pad_link(found, request.POST.get("link", ""))
        rate_by_link(
            actor=request.user, token=link.token, pad=found, **posted_rating(request)
        )
    except OneStopError as error:
        # htmx swaps only 2xx responses, so the error is shown in a 200 panel: the form
        # again while its link is current, else the idle screen.
        context = _panel_context(request, found)
        return render(request, "ratings/_pad_panel.html", {**context, "error": error})
    return render(
        request, "ratings/_pad_panel.html", {"state": THANKS, "window": found.window}
    )


def _pad_link(pad: RatingPad, link_id: str) -> RatingLink:
    link = (
        RatingLink.objects.for_centre(pad.centre_id)
        .filter(
            pk=int(link_id) if link_id.isdigit() else 0,
            channel=RatingChannel.WINDOW_SCREEN,
            visit__window_record_id=pad.window_record_id,
            created_at__gte=pad.paired_at,
        )
        .select_related("visit", "visit__case")
        .first()
    )
    if link is None:
        raise RatingLinkNotFound()
    return link


def _panel_context(request: HttpRequest, pad: RatingPad) -> dict[str, Any]:
    link = queries.current_screen_link(pad)
    if link is None or link.visit is None:
        return {"state": IDLE, "window": pad.window}
    qr_link = queries.current_qr_link(link.visit)
    qr_svg = None
    if qr_link is not None:
        qr_svg = qr_code_svg(request.build_absolute_uri(link_path(qr_link)))
    return {
        "state": f"link-{link.pk}",
        "window": pad.window,
        "link": link,
        "subject": link.visit.case,
        "levels": Level.choices,
        "tags": tag_choices(link.channel),
        "qr_svg": qr_svg,
    }


# --- staff: pairing and revoking ---------------------------------------------------------


@login_required
@handles_errors
def pads(request: HttpRequest) -> HttpResponse:
    """Pair a pad by its code (clerks and centre admins); list the centre's pads (admins)."""
    centres = queries.pairing_centres(request.user)
    slug = request.POST.get("centre") or request.GET.get("centre", "")
    centre = queries.pairing_centre(request.user, slug)
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            paired = pair_pad(
                actor=request.user,
                centre=centre,
                code=request.POST.get("code", ""),
                window=request.POST.get("window", ""),
            )
        except OneStopError as caught:
            error = caught
        else:
            messages.success(
                request,
                _("The rating pad is paired with window %(window)s.")
                % {"window": paired.window},
            )
            return redirect(f"{reverse('ratings:pads')}?centre={centre.slug}")
    is_admin = find_role(request.user, (Role.CENTRE_ADMIN,), centre=centre) is not None
    listed = queries.visible_pads(request.user).filter(centre=centre)
    return render(
        request,
        "ratings/pads.html",
        {
            "centre": centre,
            "centres": centres,
            "error": error,
            "values": request.POST,
            "windows": active_windows(centre),
            "padded_windows": queries.padded_windows(centre),
            "chosen_window": request.POST.get("window")
            or preselect_window(request, centre).code,
            "is_admin": is_admin,
            "pads": listed.order_by("revoked_at", "window_record__code", "pk")
            if is_admin
            else [],
        },
        status=error.status if error else 200,
    )


@login_required
@require_POST
@handles_errors
def revoke(request: HttpRequest, pad_id: int) -> HttpResponse:
    """Revoke a pad of the centre admin's centre."""
    found = queries.get_pad_for(request.user, pad_id)
    revoke_pad(actor=request.user, pad=found)
    messages.success(
        request,
        _("The rating pad of window %(window)s is revoked.") % {"window": found.window},
    )
    return redirect(f"{reverse('ratings:pads')}?centre={found.centre.slug}")
