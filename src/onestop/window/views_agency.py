"""The window's agency verification page (经办人核验): a clerk finds an enterprise by
its USCC, verifies or rejects the claims to act for it after checking the documents, and
revokes verified agencies. Verifying may correct the enterprise's name and legal
representative."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from onestop.core.errors import OneStopError, echoed
from onestop.core.pages import handles_errors
from onestop.identity import agency_window as agency
from onestop.identity.models import AgencyAuthority
from onestop.window.errors import DecisionUnknown
from onestop.window.views import clerk_centre


@login_required
@handles_errors
def agencies(request: HttpRequest) -> HttpResponse:
    """List an enterprise's agencies, and verify, reject or revoke one of them on POST."""
    centre = clerk_centre(request.user)
    uscc = (request.POST.get("uscc") or request.GET.get("uscc", ""))[:40]
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            _decide(request, centre)
        except OneStopError as caught:
            error = caught
        else:
            url = reverse("window:agencies") + "?" + urlencode({"uscc": uscc})
            return redirect(url)
    found: tuple[Any, list[Any]] | None = None
    if uscc.strip():
        try:
            found = agency.find_enterprise_agencies(
                actor=request.user, centre=centre, uscc=uscc
            )
        except OneStopError as caught:
            error = error or caught
    context = {
        "centre": centre,
        "uscc": uscc,
        "enterprise": found[0] if found else None,
        "agencies": found[1] if found else [],
        "authorities": [
            AgencyAuthority.POWER_OF_ATTORNEY,
            AgencyAuthority.LEGAL_REPRESENTATIVE,
        ],
        "error": error,
        # The form that failed and what the clerk typed into it, to show it again.
        "posted_agency": _posted_agency(request) if error else None,
        "posted": request.POST,
    }
    return render(
        request,
        "window/agencies.html",
        context,
        status=error.status if error else 200,
    )


def _decide(request: HttpRequest, centre: Any) -> None:
    agency_id = _agency_id(request.POST.get("agency", ""))
    decision = request.POST.get("decision")
    if decision == "verify":
        agency.verify_agency(
            actor=request.user,
            centre=centre,
            agency_id=agency_id,
            licence_seen=request.POST.get("licence_seen") == "on",
            authority=request.POST.get("authority", ""),
            # A form without these fields sends None, which keeps the stored values.
            name=request.POST.get("name"),
            legal_representative=request.POST.get("legal_representative"),
        )
        messages.success(request, _("The claim is verified."))
        return
    if decision == "revoke":
        agency.revoke_agency(
            actor=request.user,
            centre=centre,
            agency_id=agency_id,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("The agency is revoked."))
        return
    if decision != "reject":
        raise DecisionUnknown(decision=echoed(decision or ""))
    agency.reject_agency(
        actor=request.user,
        centre=centre,
        agency_id=agency_id,
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("The claim is rejected."))


def _agency_id(value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise agency.AgencyNotFound(agency=echoed(value))
    return int(value)


def _posted_agency(request: HttpRequest) -> int | None:
    value = request.POST.get("agency", "")
    return int(value) if value.isdigit() and len(value) <= 18 else None
