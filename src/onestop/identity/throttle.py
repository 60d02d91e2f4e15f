"""Throttling of sign-in attempts, shared by the token endpoint and the HTML login page.

After `MAX_FAILED_SIGN_INS_PER_USERNAME` (5) failures for one user name within
`FAILURE_WINDOW_SECONDS`, further attempts for that user name are rejected for
`LOCKOUT_SECONDS`. One client address may fail `ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS`
times (default 100) before it is locked the same way. That limit is much higher because
a service hall's NAT, its kiosks or a reverse proxy send many people's sign-ins from
one address, and a lock of that address locks all of them out. A guesser still gets at
most 100 guesses per address in each window, and at most 5 for one user name. The
client address is `onestop.core.client.client_address`, which reads the header named
by `ONESTOP_CLIENT_IP_HEADER` when it is set. The counters are rows of the
`SignInThrottle` table, so every web worker and every process counts against the same
limit. The keys contain digests only, never a user name or an address.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Max, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.client import client_address
from onestop.core.errors import RateLimited
from onestop.core.logging import get_logger
from onestop.identity.models import SignInThrottle

log = get_logger(__name__)

MAX_FAILED_SIGN_INS_PER_USERNAME = 5
DEFAULT_FAILED_SIGN_INS_PER_ADDRESS = 100
FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60


class TooManySignInAttempts(RateLimited):
    code = "auth.too_many_attempts"
    message = _(
        "Too many failed sign-in attempts for this user name or from this address. Wait "
        "%(minutes)s minutes and try again, or ask the service centre to reset the password."
    )


def check_sign_in_allowed(request: HttpRequest, username: str) -> None:
    """Raise TooManySignInAttempts while the user name or the client address is locked."""
    now = timezone.now()
    unlock_time = SignInThrottle.objects.filter(
        key__in=_counter_keys(request, username), locked_until__gt=now
    ).aggregate(latest=Max("locked_until"))["latest"]
    if unlock_time is None:
        return

    retry_after = max(1, math.ceil((unlock_time - now).total_seconds()))
    raise TooManySignInAttempts(
        minutes=math.ceil(retry_after / 60), retry_after=retry_after
    )


def record_failed_sign_in(request: HttpRequest, username: str) -> None:
    """Count one failed attempt for the user name and the client address, locking at the limit."""
    now = timezone.now()
    with transaction.atomic():
        _delete_expired(now)
        for key, limit in _counter_keys_with_limits(request, username):
            if _count_failure(key, now) < limit:
                continue
            # The lock stores its unlock time, so a rejection can say how long to wait.
            SignInThrottle.objects.filter(key=key).update(
                failures=0, locked_until=now + timedelta(seconds=LOCKOUT_SECONDS)
            )
            log.warning("auth.throttled", scope=key.split(":")[0])


def record_successful_sign_in(username: str) -> None:
    """Reset the failure counter of the user name; the client address keeps its count."""
    SignInThrottle.objects.filter(key=_username_key(username)).update(failures=0)


def _count_failure(key: str, now: datetime) -> int:
    """Add one failure to the key's window, or start a new window when the old one ended.

    The increment is a single UPDATE, so two workers counting at once lose no failure.
    """
    window_end = now + timedelta(seconds=FAILURE_WINDOW_SECONDS)
    window_open = Q(window_ends_at__gt=now)
    updated = SignInThrottle.objects.filter(key=key).update(
        failures=Case(When(window_open, then=F("failures") + 1), default=Value(1)),
        window_ends_at=Case(
            When(window_open, then=F("window_ends_at")), default=Value(window_end)
        ),
    )
    if updated:
        return SignInThrottle.objects.values_list("failures", flat=True).get(key=key)

    try:
        with transaction.atomic():
            SignInThrottle.objects.create(
                key=key, failures=1, window_ends_at=window_end
            )
    except IntegrityError:
        # Another worker created the row first, so count on it instead.
        return _count_failure(key, now)
    return 1


def _delete_expired(now: datetime) -> None:
    """Delete the rows whose window has ended and which hold no running lock."""
    SignInThrottle.objects.filter(window_ends_at__lte=now).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    ).delete()


def _counter_keys(request: HttpRequest, username: str) -> list[str]:
    return [_username_key(username), _address_key(request)]


def _counter_keys_with_limits(
    request: HttpRequest, username: str
) -> list[tuple[str, int]]:
    address_limit = getattr(
        settings,
        "ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS",
        DEFAULT_FAILED_SIGN_INS_PER_ADDRESS,
    )
    return [
        (_username_key(username), MAX_FAILED_SIGN_INS_PER_USERNAME),
        (_address_key(request), address_limit),
    ]


def _username_key(username: str) -> str:
    # Only a digest goes into the key, so the table stores no user names.
    digest = hashlib.sha256(username.strip().encode()).hexdigest()[:32]
    return f"user:{digest}"


def _address_key(request: HttpRequest) -> str:
    digest = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    return f"address:{digest}"
