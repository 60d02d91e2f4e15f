"""Short-lived download links for the materials named in an envelope.

A link is /exchange/materials/<submission id>/?expires=<unix seconds>&token=<hex>, where
the token is HMAC-SHA256 over "<submission id>:<expires>" under a key derived from the
deployment's secret key. Anyone with the link may download the file until it expires,
so links travel only inside signed envelopes.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.urls import reverse

from onestop.core.signing import secret_key
from onestop.exchange.conf import setting

_LINK_KEY_LABEL = b"onestop.exchange.material-link"


def _link_key() -> bytes:
    return hmac.new(secret_key().encode(), _LINK_KEY_LABEL, hashlib.sha256).digest()


def _token(submission_id: int, expires: int) -> str:
    message = f"{submission_id}:{expires}".encode()
    return hmac.new(_link_key(), message, hashlib.sha256).hexdigest()


def material_link(submission_id: int, *, now: float | None = None) -> tuple[str, int]:
    """Return an absolute download link for a submission and its expiry (unix seconds)."""
    lifetime = int(setting("ONESTOP_EXCHANGE_MATERIAL_LINK_SECONDS"))
    expires = int(now if now is not None else time.time()) + lifetime
    path = reverse("exchange:material", args=[submission_id])
    base = settings.ONESTOP_PUBLIC_URL.rstrip("/")
    return (
        f"{base}{path}?expires={expires}&token={_token(submission_id, expires)}",
        expires,
    )


def check_material_token(submission_id: int, expires: str, token: str) -> bool:
    """Return True when the token matches the submission and has not expired."""
    try:
        expiry = int(expires)
    except (TypeError, ValueError):
        return False
    if expiry < time.time():
        return False
    return hmac.compare_digest(_token(submission_id, expiry), token or "")
