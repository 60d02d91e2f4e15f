"""Helpers shared by the HTML views of every surface."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from onestop.core.errors import NotAuthenticated, OneStopError


def render_error(request: HttpRequest, error: OneStopError) -> HttpResponse:
    """Render a OneStopError as a page with its status, message and code."""
    return render(request, "core/error.html", {"error": error}, status=error.status)


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
