"""Initial passwords: an account created with a password set by an admin must choose its
own at the first sign-in, before it can do anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import record_event
from onestop.core.errors import PermissionDenied
from onestop.core.logging import get_logger
from onestop.core.models import PasswordChangeRequired

log = get_logger(__name__)

SESSION_KEY = "onestop_password_change_required"
# Views a user may open before replacing an initial password: the change page, signing
# out, switching the language, and those that read no session at all.
ALLOWED_VIEWS = {
    "identity:password-change",
    "logout",
    "set_language",
    "health",
    "api-path-not-found",
}


class InitialPasswordNotChanged(PermissionDenied):
    code = "auth.password_change_required"
    message = _(
        "The account %(username)s still has the initial password that an admin set. "
        "Sign in on the web page and choose a new password first, at %(path)s."
    )


def password_change_required(user: Any) -> bool:
    return PasswordChangeRequired.objects.filter(user_id=user.pk).exists()


def check_password_changed(user: Any) -> None:
    """Raise InitialPasswordNotChanged if the user has not replaced an initial password."""
    if password_change_required(user):
        raise InitialPasswordNotChanged(
            username=user.get_username(), path=reverse("identity:password-change")
        )


def on_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Mark the session of a user who signed in with an initial password."""
    if request is not None and password_change_required(user):
        request.session[SESSION_KEY] = True
        log.info("sign_in.password_change_required", user_id=user.pk)


class InitialPasswordMiddleware:
    """Send a session that signed in with an initial password to the change page.

    API requests with such a session get the 403 error body instead of a redirect.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], *args: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_VIEWS:
            return None
        if not request.session.get(SESSION_KEY):
            return None

        change_path = reverse("identity:password-change")
        if not request.path.startswith("/api/"):
            return redirect(change_path)
        error = InitialPasswordNotChanged(
            username=request.user.get_username(), path=change_path
        )
        return error.json_response()


def change_password(*, actor: Any, password: str) -> None:
    """Set the actor's new password, validated by the caller's form, and clear the
    requirement to replace an initial password."""
    with transaction.atomic():
        actor.set_password(password)
        actor.save(update_fields=["password"])
        replaced_initial = PasswordChangeRequired.objects.filter(
            user_id=actor.pk
        ).delete()[0]
        record_event(
            actor=actor,
            actor_role="user",
            verb="password.changed",
            object_type="user",
            object_id=actor.pk,
            data={"initial_password_replaced": bool(replaced_initial)},
        )
    log.info("password.changed", user_id=actor.pk)
