"""Session generations: ending every session of an account whose password stays the same.

Django signs a session out when the account's password hash changes, because the session
stores a hash of it (`get_session_auth_hash`). Deactivating an account leaves the password
as it is, and Django only ignores the sessions of an inactive account, so without more a
session opened before a deactivation would work again after a reactivation. Each sign-in
therefore stores the account's session generation in the session, and a request whose
session contains an earlier generation is signed out.

The generation is compared here rather than folded into `get_session_auth_hash`, because
OneStop uses Django's own User model, whose hash cannot be changed without a custom user
model.

Only `core.staff.accounts` raises the generation, and every deactivation and every
password reset goes through it, the Django admin's included (`core.user_admin`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from onestop.core.logging import get_logger
from onestop.core.models import SessionGeneration

log = get_logger(__name__)

# The account's session generation at sign-in. A session without it was signed in at
# generation 0.
GENERATION_SESSION_KEY = "onestop.session_generation"


def current_generation(user_id: int | str) -> int:
    """Return the account's session generation, 0 for an account without a row."""
    found = (
        SessionGeneration.objects.filter(user_id=user_id)
        .values_list("generation", flat=True)
        .first()
    )
    return found or 0


def end_sessions(user: Any) -> int:
    """Raise the account's session generation, which signs out every session it has.

    Runs in the caller's transaction. Returns the new generation.
    """
    SessionGeneration.objects.get_or_create(user_id=user.pk)
    SessionGeneration.objects.filter(user_id=user.pk).update(
        generation=F("generation") + 1, changed_at=timezone.now()
    )
    return current_generation(user.pk)


def keep_session(request: HttpRequest, user: Any) -> None:
    """Store the current session generation of `user`, the request's user, in the
    request's session, so the session that ended the account's other sessions stays
    signed in."""
    request.session[GENERATION_SESSION_KEY] = current_generation(user.pk)


def on_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Store the account's session generation in the session that signed in."""
    if request is not None:
        request.session[GENERATION_SESSION_KEY] = current_generation(user.pk)


class SessionGenerationMiddleware:
    """Sign out a session signed in before its account's sessions were ended.

    Runs after Django's AuthenticationMiddleware and replaces its lazy `request.user`,
    so pages and the API both see the signed-out request. As in Django, the session is
    read only when something reads `request.user`. NOTE: `request.auser`, which async
    views read, is not checked, and OneStop has no async views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The user is a SimpleLazyObject, as in Django's AuthenticationMiddleware.
        request.user = SimpleLazyObject(lambda: checked_user(request))  # type: ignore[assignment]
        return self.get_response(request)


def checked_user(request: HttpRequest) -> Any:
    """Return the session's user, or AnonymousUser after flushing a session signed in
    under an earlier session generation, as Django does for a changed password."""
    user = get_user(request)
    if not user.is_authenticated:
        return user
    signed_in_at = request.session.get(GENERATION_SESSION_KEY, 0)
    if signed_in_at == current_generation(user.pk):
        return user
    log.info("session.generation_ended", user_id=user.pk)
    request.session.flush()
    return AnonymousUser()
