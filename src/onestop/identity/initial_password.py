"""Initial passwords: an account whose password an admin or a window clerk set must
choose its own at the next sign-in, before it can do anything else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import record_event
from onestop.core.errors import PermissionDenied
from onestop.core.logging import get_logger
from onestop.core.models import AuditEvent, PasswordChangeRequired, Role
from onestop.identity.models import Person

log = get_logger(__name__)

SESSION_KEY = "onestop_password_change_required"
# The audit verbs of a password reset by a window clerk and by an admin.
WINDOW_RESET_VERB = "account.password_reset_at_window"
ADMIN_RESET_VERB = "account.password_reset"
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
        "The account %(username)s still has an initial password, set by a window "
        "clerk or an admin. Sign in on the web page and choose a new password first, "
        "at %(path)s."
    )


@dataclass(frozen=True)
class InitialPasswordSetter:
    """The setter of an account's initial password, as the audit log records it."""

    # The role of the setter: Role.CLERK for a reset at the window, or an admin role.
    role: str
    # The name of the setter's centre, or "" for a platform admin or an operator.
    centre_name: str


def find_initial_password_setter(user: Any) -> InitialPasswordSetter | None:
    """Return who set the user's initial password, or None when it needs no change.

    The latest reset since the change became required names the setter. An account
    created with an initial password by an admin has no reset, so it counts as set by
    an admin of no named centre.
    """
    required = PasswordChangeRequired.objects.filter(user_id=user.pk).first()
    if required is None:
        return None
    resets = Q(verb=ADMIN_RESET_VERB, object_type="user", object_id=str(user.pk))
    person_id = Person.objects.filter(user_id=user.pk).values_list("pk", flat=True)
    if person_id:
        resets |= Q(
            verb=WINDOW_RESET_VERB, object_type="person", object_id=str(person_id[0])
        )
    # Filtering on the indexed time first keeps the read to the events since then.
    event = (
        AuditEvent.objects.filter(at__gte=required.created_at)
        .filter(resets)
        .select_related("centre")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return InitialPasswordSetter(role=Role.CENTRE_ADMIN, centre_name="")
    centre_name = event.centre.name if event.centre is not None else ""
    return InitialPasswordSetter(role=event.actor_role, centre_name=centre_name)


def initial_password_notice(setter: InitialPasswordSetter) -> str:
    """Return the password change page's notice that names who set the password."""
    if setter.role == Role.CLERK:
        return _(
            "Your account still has the initial password that a clerk at the window "
            "of %(centre)s set for you. Choose your own password before you go on."
        ) % {"centre": setter.centre_name}
    if setter.centre_name:
        return _(
            "Your account still has the initial password that an admin of %(centre)s "
            "set for you. Choose your own password before you go on."
        ) % {"centre": setter.centre_name}
    return str(
        _(
            "Your account still has the initial password that an admin set for you. "
            "Choose your own password before you go on."
        )
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
