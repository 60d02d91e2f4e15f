"""The rating policy page of a centre, for its centre admins and platform admins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.core.centres import get_centre
from onestop.core.errors import OneStopError
from onestop.core.models import Centre
from onestop.core.pages import administered_centre_index, handles_errors
from onestop.core.permissions import require_role
from onestop.ratings import queries
from onestop.ratings.models import PolicyField
from onestop.ratings.policy import (
    PADS_REQUIRED,
    POLICY_RANGES,
    POLICY_ROLES,
    policy_values,
    update_policy,
)


@login_required
@handles_errors
def index(request: HttpRequest) -> HttpResponse:
    """Send an admin of one centre to its policy; list the centres otherwise."""
    return administered_centre_index(
        request, "ratings:policy", "ratings/policy_index.html"
    )


@login_required
@handles_errors
def centre_policy(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the centre's rating policy and save the changes posted."""
    centre = get_centre(slug)
    require_role(request.user, POLICY_ROLES, centre=centre)
    error: OneStopError | None = None
    if request.method == "POST":
        posted: dict[str, Any] = {
            field.value: request.POST.get(field.value, "") for field in PolicyField
        }
        posted[PADS_REQUIRED] = request.POST.get(PADS_REQUIRED) == "on"
        try:
            update_policy(actor=request.user, centre=centre, values=posted)
        except OneStopError as caught:
            error = caught
        else:
            messages.success(request, _("The rating policy is saved."))
            return redirect("ratings:policy", slug=centre.slug)
    return render(
        request,
        "ratings/policy.html",
        _context(request, centre, error),
        status=error.status if error else 200,
    )


def _context(
    request: HttpRequest, centre: Centre, error: OneStopError | None
) -> dict[str, Any]:
    saved = policy_values(queries.get_policy(centre))
    # After an error the form shows what was typed, so nothing typed is lost.
    shown = request.POST if error is not None else saved
    fields = [
        {
            "name": field.value,
            "label": field.label,
            "value": shown.get(field.value, saved[field.value]),
            "min": POLICY_RANGES[field][0],
            "max": POLICY_RANGES[field][1],
            "invalid": error is not None and error.details.get("field") == field,
        }
        for field in PolicyField
    ]
    pads_required = (
        request.POST.get(PADS_REQUIRED) == "on"
        if error is not None
        else saved[PADS_REQUIRED]
    )
    return {
        "centre": centre,
        "error": error,
        "fields": fields,
        "pads_required": pads_required,
        "windows": queries.padded_windows(centre),
    }
