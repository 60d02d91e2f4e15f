"""Forget a kiosk session's held uploads when its applicant signs out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from onestop.cases.held_uploads import forget_session_uploads
from onestop.core.logging import get_logger
from onestop.kiosk.middleware import KIOSK_SESSION_KEY

log = get_logger(__name__)


@receiver(user_logged_out)
def forget_kiosk_uploads(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Remove the files that the kiosk session's forms kept, as the next person must
    not find them. Django sends the signal before it flushes the session."""
    if request is None or not request.session.get(KIOSK_SESSION_KEY):
        return
    count = forget_session_uploads(request.session.session_key)
    if count:
        log.info("kiosk.held_uploads_forgotten", count=count)
