"""The windows page of a centre, for its centre admins and platform admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.core.centres import get_centre
from onestop.core.errors import OneStopError
from onestop.core.models import Centre, Department, Window, WindowKind
from onestop.core.pages import administered_centre_index, handles_errors, posted_choice
from onestop.core.windows import window_title
from onestop.window import manage
from onestop.window.errors import WindowDepartmentNotChosen, WindowDepartmentRequired

WINDOW_ACTIONS = ("add", "change", "deactivate", "reactivate")


@login_required
@handles_errors
def index(request: HttpRequest) -> HttpResponse:
    """Send an admin of one centre to its windows; list the centres otherwise."""
    return administered_centre_index(
        request, "windows:centre", "window/windows_index.html"
    )


@login_required
@handles_errors
def centre_windows(request: HttpRequest, slug: str) -> HttpResponse:
    """List the centre's windows, and add, change, deactivate or reactivate one."""
    centre = get_centre(slug)
    rows = manage.windows_for(request.user, centre)
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            _apply(request, centre)
        except WindowDepartmentRequired as caught:
            error = WindowDepartmentNotChosen(**caught.details)
        except OneStopError as caught:
            error = caught
        else:
            return redirect("windows:centre", slug=centre.slug)
    context = {
        "centre": centre,
        "rows": rows,
        "kinds": WindowKind.choices,
        "departments": Department.objects.for_centre(centre).order_by("role_key"),
        "error": error,
        # After an error the form shows what was typed, so nothing typed is lost.
        "typed": request.POST if error is not None else {},
    }
    return render(
        request,
        "window/windows.html",
        context,
        status=error.status if error is not None else 200,
    )


def _apply(request: HttpRequest, centre: Centre) -> None:
    action = posted_choice(request, "action", WINDOW_ACTIONS)
    posted = request.POST
    if action == "add":
        window = manage.add_window(
            actor=request.user,
            centre=centre,
            code=posted.get("code", ""),
            name=posted.get("name", ""),
            kind=posted.get("kind", WindowKind.COMPREHENSIVE),
            department=posted.get("department", ""),
        )
        messages.success(request, _("The window %(window)s is added.") % _named(window))
        return

    window = manage.get_window_for(request.user, centre, posted.get("code", ""))
    if action == "deactivate":
        change = manage.WindowChange(is_active=False)
        done = _("The window %(window)s is deactivated.")
    elif action == "reactivate":
        change = manage.WindowChange(is_active=True)
        done = _("The window %(window)s is active again.")
    else:
        change = manage.WindowChange(
            name=posted.get("name", ""),
            kind=posted.get("kind", ""),
            department=posted.get("department", ""),
        )
        done = _("The window %(window)s is saved.")
    window = manage.change_window(actor=request.user, window=window, change=change)
    messages.success(request, done % _named(window))


def _named(window: Window) -> dict[str, str]:
    return {"window": window_title(window.name, window.code)}
