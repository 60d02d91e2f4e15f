"""Throttling of sign-in attempts, shared by the token endpoint and the HTML login page.

After `MAX_FAILED_SIGN_INS_PER_USERNAME` (5) failures for one account within
`FAILURE_WINDOW_SECONDS`, further attempts for that account are rejected for
`LOCKOUT_SECONDS`. An account is counted under one name whether the sign-in gives its
user name or its person's resident ID number (`sign_in_account_name`), so switching
between the two forms gives a guesser no extra attempts. One client address may fail
`ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS` times (default 100) before it is locked the same
way. That limit is much higher because a service hall's NAT, its kiosks or a reverse
proxy send many people's sign-ins from one address, and a lock of that address locks all
of them out. A guesser still gets at
most 100 guesses per address in each window, and at most 5 for one account. The
client address is `onestop.core.client.client_address`, which reads the header named
by `ONESTOP_CLIENT_IP_HEADER` when it is set. The counters are rows of the
`SignInThrottle` table, so every web worker and every process counts against the same
limit. The keys contain digests only, never a user name, an ID number or an address.

Registration reports when an ID number or a user name is already registered, so a caller
could try numbers to learn who has an account. One client address may get that error
`ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS` times (default 20) in a window. Then every
registration from it is rejected for `LOCKOUT_SECONDS`. A service hall rarely registers an
existing number again, so the limit stops a guesser long before it stops a hall.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Max, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from onestop.core.client import client_address
from onestop.core.errors import OneStopError, RateLimited
from onestop.core.logging import get_logger
from onestop.identity.models import SignInThrottle
from onestop.identity.sign_in import sign_in_account_name

log = get_logger(__name__)

MAX_FAILED_SIGN_INS_PER_USERNAME = 5
DEFAULT_FAILED_SIGN_INS_PER_ADDRESS = 100
DEFAULT_REGISTRATION_CONFLICTS_PER_ADDRESS = 20
FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60


class TooManySignInAttempts(RateLimited):
    code = "auth.too_many_attempts"

    def counted_message(self, details: dict[str, Any]) -> Any:
        return ngettext_lazy(
            "Too many failed sign-in attempts for this account or from this address. "
            "Wait %(minutes)s minute and try again, or ask the service centre to reset "
            "the password.",
            "Too many failed sign-in attempts for this account or from this address. "
            "Wait %(minutes)s minutes and try again, or ask the service centre to reset "
            "the password.",
            details["minutes"],
        )


class TooManyRegistrationConflicts(RateLimited):
    code = "identity.too_many_registrations"

    def counted_message(self, details: dict[str, Any]) -> Any:
        return ngettext_lazy(
            "Too many registrations from this address gave an ID number or a user name "
            "that is already registered, so registrations from it wait %(minutes)s "
            "minute. Try again then, or ask the service centre for help.",
            "Too many registrations from this address gave an ID number or a user name "
            "that is already registered, so registrations from it wait %(minutes)s "
            "minutes. Try again then, or ask the service centre for help.",
            details["minutes"],
        )


def check_sign_in_allowed(request: HttpRequest, username: str) -> None:
    """Raise TooManySignInAttempts while the account named by `username` (a user name
    or an ID number) or the client address is locked."""
    _raise_if_locked(_counter_keys(request, username), TooManySignInAttempts)


def record_failed_sign_in(request: HttpRequest, username: str) -> None:
    """Count one failed attempt for the account and the client address, locking at the
    limit."""
    _count_and_lock(_counter_keys_with_limits(request, username))


# The counter of registrations that named an existing account, per client address.
REGISTRATION_PURPOSE = "register"


def check_registration_allowed(request: HttpRequest) -> None:
    """Raise TooManyRegistrationConflicts while the client address is locked."""
    check_address_allowed(request, REGISTRATION_PURPOSE, TooManyRegistrationConflicts)


def record_registration_conflict(request: HttpRequest) -> None:
    """Count one registration that named a registered ID number or user name."""
    limit = getattr(
        settings,
        "ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS",
        DEFAULT_REGISTRATION_CONFLICTS_PER_ADDRESS,
    )
    record_address_use(request, REGISTRATION_PURPOSE, limit)


def check_address_allowed(
    request: HttpRequest, purpose: str, error: type[RateLimited]
) -> None:
    """Raise `error` while the client address is locked for `purpose`."""
    _raise_if_locked([_purpose_key(request, purpose)], error)


def record_address_use(request: HttpRequest, purpose: str, limit: int) -> None:
    """Count one use of `purpose` by the client address, locking it at `limit` uses in a
    window, as failed sign-ins are counted."""
    _count_and_lock([(_purpose_key(request, purpose), limit)])


# The registration errors that tell a caller an account exists.
REGISTRATION_CONFLICT_CODES = frozenset(
    {"identity.id_number_registered", "identity.username_taken"}
)


@contextmanager
def counting_registration_conflicts(request: HttpRequest) -> Iterator[None]:
    """Reject a locked address, and count a registration that names an existing account.

    The error of the registration is raised unchanged. It may list several fields, so the
    codes of each are looked at.
    """
    check_registration_allowed(request)
    try:
        yield
    except OneStopError as error:
        fields = error.details.get("fields")
        codes = {error.code}
        if isinstance(fields, dict):
            codes |= {str(entry.get("code")) for entry in fields.values()}
        if codes & REGISTRATION_CONFLICT_CODES:
            record_registration_conflict(request)
        raise


def _raise_if_locked(keys: list[str], error: type[RateLimited]) -> None:
    now = timezone.now()
    unlock_time = SignInThrottle.objects.filter(
        key__in=keys, locked_until__gt=now
    ).aggregate(latest=Max("locked_until"))["latest"]
    if unlock_time is None:
        return

    retry_after = max(1, math.ceil((unlock_time - now).total_seconds()))
    raise error(minutes=math.ceil(retry_after / 60), retry_after=retry_after)


def _count_and_lock(keys_with_limits: list[tuple[str, int]]) -> None:
    """Count one failure on each key, locking a key that reaches its limit."""
    now = timezone.now()
    with transaction.atomic():
        _delete_expired(now)
        for key, limit in keys_with_limits:
            if _count_failure(key, now) < limit:
                continue
            # The lock stores its unlock time, so a rejection can say how long to wait.
            SignInThrottle.objects.filter(key=key).update(
                failures=0, locked_until=now + timedelta(seconds=LOCKOUT_SECONDS)
            )
            log.warning("auth.throttled", scope=key.split(":")[0])


def record_successful_sign_in(username: str) -> None:
    """Reset the failure counter of the account. The client address keeps its count."""
    SignInThrottle.objects.filter(key=_account_key(username)).update(failures=0)


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
    return [_account_key(username), _address_key(request)]


def _counter_keys_with_limits(
    request: HttpRequest, username: str
) -> list[tuple[str, int]]:
    address_limit = getattr(
        settings,
        "ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS",
        DEFAULT_FAILED_SIGN_INS_PER_ADDRESS,
    )
    return [
        (_account_key(username), MAX_FAILED_SIGN_INS_PER_USERNAME),
        (_address_key(request), address_limit),
    ]


def _account_key(identifier: str) -> str:
    # Only a digest goes into the key, so the table stores no user names or ID numbers.
    name = sign_in_account_name(identifier)
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    return f"user:{digest}"


def _address_key(request: HttpRequest) -> str:
    return f"address:{_address_digest(request)}"


def _purpose_key(request: HttpRequest, purpose: str) -> str:
    return f"{purpose}:{_address_digest(request)}"


def _address_digest(request: HttpRequest) -> str:
    return hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
