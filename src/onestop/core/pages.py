"""Helpers shared by the HTML views of every surface."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import (
    InvalidInput,
    NotAuthenticated,
    OneStopError,
    echoed,
    listed,
)
from onestop.core.models import Role
from onestop.core.permissions import RoleRequired, administered_centres


class UnknownFormChoice(InvalidInput):
    code = "form.unknown_choice"
    message = _(
        'The form field %(field)s has the value "%(value)s", which this page does not '
        "accept, so nothing was changed. Use one of: %(allowed)s. Reload the page and "
        "submit the form again."
    )


def posted_choice(request: HttpRequest, field: str, allowed: Sequence[str]) -> str:
    """Return the posted value of `field`, or raise UnknownFormChoice when it is
    missing, sent more than once or not one of `allowed`.

    A form that names what to do must name it explicitly: an unknown value never falls
    back to one of the actions.
    """
    values = request.POST.getlist(field)
    # A repeated field is rejected, because which of its values counts is a guess.
    value = values[0] if len(values) == 1 else " + ".join(values)
    if value not in allowed:
        raise UnknownFormChoice(
            field=field, value=echoed(value), allowed=listed(allowed)
        )
    return value


def render_error(request: HttpRequest, error: OneStopError) -> HttpResponse:
    """Render a OneStopError as a page with its status, message and code."""
    return render(request, "core/error.html", {"error": error}, status=error.status)


def render_error_for_path(request: HttpRequest, error: OneStopError) -> HttpResponse:
    """Render a OneStopError as the API's JSON body under /api/, as a page elsewhere."""
    if request.path.startswith("/api/"):
        return error.json_response()
    return render_error(request, error)


def handles_errors(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Show a OneStopError raised outside a form as an error page; send guests to sign in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotAuthenticated:
            return redirect_to_login(request.get_full_path())
        except OneStopError as error:
            return render_error(request, error)

    return wrapper


def administered_centre_index(
    request: HttpRequest, route: str, template: str
) -> HttpResponse:
    """Send an admin of one centre to `route` for it, or list their centres with
    `template`; raise RoleRequired for an account that administers none."""
    centres = administered_centres(request.user)
    if not centres:
        raise RoleRequired(role=Role.CENTRE_ADMIN)
    if len(centres) == 1:
        return redirect(route, slug=centres[0].slug)
    return render(request, template, {"centres": centres})
