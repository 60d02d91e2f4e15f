"""A per-client limit on certificate checks, kept in Django's cache.

The limit is a fixed window: at most `ONESTOP_CERTIFICATE_CHECKS_PER_WINDOW` checks
(default 30) per client address in each `ONESTOP_CERTIFICATE_CHECK_WINDOW_SECONDS`
(default 60). The client address is REMOTE_ADDR, or the request header named by
`ONESTOP_CLIENT_IP_HEADER` (for example "HTTP_X_REAL_IP") when a reverse proxy sets it.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from onestop.core.client import client_address
from onestop.core.errors import RateLimited
from onestop.core.logging import get_logger

log = get_logger(__name__)

DEFAULT_CHECKS_PER_WINDOW = 30
DEFAULT_WINDOW_SECONDS = 60


def check_rate(request: HttpRequest, scope: str = "certificates.verify") -> None:
    """Count one check of the request's client, raising RateLimited over the limit.

    NOTE: with the default local-memory cache each web worker counts on its own, so N
    workers allow up to N times the limit. Configure a shared cache (Redis, Memcached or
    the database cache) to enforce it across workers.
    """
    limit = getattr(
        settings, "ONESTOP_CERTIFICATE_CHECKS_PER_WINDOW", DEFAULT_CHECKS_PER_WINDOW
    )
    window = getattr(
        settings, "ONESTOP_CERTIFICATE_CHECK_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS
    )
    now = time.time()
    window_number = int(now // window)
    key = f"onestop:{scope}:{_client_key(request)}:{window_number}"

    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1

    if count > limit:
        retry_after = int((window_number + 1) * window - now) + 1
        if count == limit + 1:
            log.warning("certificate.check_rate_limited", scope=scope, limit=limit)
        raise RateLimited(retry_after=retry_after)


def _client_key(request: HttpRequest) -> str:
    """Return a digest of the client address, so the cache stores no raw IP address."""
    return hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
