"""Throttling of sign-in attempts, shared by the token endpoint and the HTML login page.

After `MAX_FAILED_SIGN_INS` failures for one user name, or from one client address, within
`FAILURE_WINDOW_SECONDS`, further attempts are rejected for `LOCKOUT_SECONDS`. The client
address is REMOTE_ADDR, or the request header named by `ONESTOP_CLIENT_IP_HEADER` (for
example "HTTP_X_REAL_IP") when a reverse proxy sets it. The cache keys contain digests
only, never a user name or an address.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import RateLimited
from onestop.core.logging import get_logger

log = get_logger(__name__)

MAX_FAILED_SIGN_INS = 5
FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60


class TooManySignInAttempts(RateLimited):
    code = "auth.too_many_attempts"
    message = _(
        "Too many failed sign-in attempts for this user name or from this address. Wait "
        "%(minutes)s minutes and try again, or ask the service centre to reset the password."
    )


def check_sign_in_allowed(request: HttpRequest, username: str) -> None:
    """Raise TooManySignInAttempts while the user name or the client address is locked.

    NOTE: the default local-memory cache keeps the counters per web worker, so N workers
    allow up to N times the limit. Configure a shared cache (Redis, Memcached or the
    database cache) to enforce it across workers.
    """
    lock_keys = [_lock_key(key) for key in _counter_keys(request, username)]
    unlock_times = cache.get_many(lock_keys).values()
    if not unlock_times:
        return

    retry_after = max(1, math.ceil(max(unlock_times) - time.time()))
    raise TooManySignInAttempts(
        minutes=math.ceil(retry_after / 60), retry_after=retry_after
    )


def record_failed_sign_in(request: HttpRequest, username: str) -> None:
    """Count one failed attempt for the user name and the client address, locking at the limit."""
    for key in _counter_keys(request, username):
        cache.add(key, 0, timeout=FAILURE_WINDOW_SECONDS)
        try:
            failures = cache.incr(key)
        except ValueError:  # the counter expired between add and incr
            cache.set(key, 1, timeout=FAILURE_WINDOW_SECONDS)
            failures = 1
        if failures >= MAX_FAILED_SIGN_INS:
            # The lock stores its unlock time, so a rejection can say how long to wait.
            unlock_time = time.time() + LOCKOUT_SECONDS
            cache.set(_lock_key(key), unlock_time, timeout=LOCKOUT_SECONDS)
            cache.delete(key)
            log.warning("auth.throttled", scope=key.split(":")[2])


def record_successful_sign_in(username: str) -> None:
    """Reset the failure counter of the user name; the client address keeps its count."""
    cache.delete(_username_key(username))


def _counter_keys(request: HttpRequest, username: str) -> list[str]:
    return [_username_key(username), _address_key(request)]


def _username_key(username: str) -> str:
    # Only a digest goes into the cache key, so the cache holds no user names.
    digest = hashlib.sha256(username.strip().encode()).hexdigest()[:32]
    return f"onestop:sign-in-failures:user:{digest}"


def _address_key(request: HttpRequest) -> str:
    header = getattr(settings, "ONESTOP_CLIENT_IP_HEADER", "")
    address = request.META.get(header, "") if header else ""
    address = address.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"onestop:sign-in-failures:address:{digest}"


def _lock_key(counter_key: str) -> str:
    return f"{counter_key}:locked"
