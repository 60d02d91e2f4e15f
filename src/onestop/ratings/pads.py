"""Rating pads (评价器): pair a device with a window of a centre, and revoke it.

A pad is a tablet turned to the applicant, with no staff sign-in. The device opens
/ratings/pad/ and shows a one-time pairing code. A clerk or centre admin enters the code
and chooses one of the centre's windows, and the device keeps its secret in a cookie.
From then on the screen link of a visit at that window can be used only on that pad.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from onestop.core.audit import record_event
from onestop.core.errors import echoed, listed
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Role, Window
from onestop.core.permissions import require_role
from onestop.core.windows import (
    active_window_codes,
    find_active_window,
    lock_active_window,
    named_window,
    window_label,
)
from onestop.ratings.errors import (
    PadWindowRequired,
    PadWindowTaken,
    PairingCodeInvalid,
    TooManyPairings,
)
from onestop.ratings.models import (
    PAIRING_MINUTES,
    PadPairing,
    RatingPad,
    digest_of,
    new_pad_secret,
    new_pairing_code,
)
from onestop.ratings.queries import PAIRING_ROLES, get_window_pad

log = get_logger(__name__)

# Devices that may wait for pairing at once, across all centres. The pairing page needs
# no sign-in, so this bounds the rows that anonymous requests can create.
MAX_OPEN_PAIRINGS = 1000
# A pad's last_seen_at is written at most once a minute, not on every poll.
SEEN_INTERVAL = dt.timedelta(minutes=1)
CODE_SEPARATORS = re.compile(r"[\s\-]+")


def start_pairing() -> tuple[PadPairing, str]:
    """Create a pairing code for a new device, and return it with the device's secret.

    The caller puts the secret in the device's cookie; only its digest is stored.
    Expired codes are deleted first. Raises TooManyPairings when MAX_OPEN_PAIRINGS
    devices are waiting already.
    """
    now = timezone.now()
    PadPairing.objects.filter(expires_at__lte=now).delete()
    waiting = PadPairing.objects.order_by("expires_at")
    count = waiting.count()
    if count >= MAX_OPEN_PAIRINGS:
        oldest = waiting.first()
        retry_after = (
            int((oldest.expires_at - now).total_seconds()) + 1 if oldest else 1
        )
        raise TooManyPairings(count=count, retry_after=retry_after)

    secret = new_pad_secret()
    pairing = _create_pairing(secret, now)
    log.info("rating_pad.pairing_started", pairing_id=pairing.pk)
    return pairing, secret


def _create_pairing(secret: str, now: dt.datetime) -> PadPairing:
    # A new code can collide with a waiting one; another random code is tried then.
    for attempt in range(5):
        try:
            with transaction.atomic():
                return PadPairing.objects.create(
                    code=new_pairing_code(),
                    secret_digest=digest_of(secret),
                    created_at=now,
                    expires_at=now + dt.timedelta(minutes=PAIRING_MINUTES),
                )
        except IntegrityError:
            log.warning("rating_pad.pairing_code_collided", attempt=attempt)
    raise RuntimeError("no free pairing code after 5 attempts")


def normalize_code(code: str) -> str:
    """Return a typed pairing code in upper case, without spaces and hyphens."""
    return CODE_SEPARATORS.sub("", code).upper()


def pair_pad(*, actor: Any, centre: Centre, code: str, window: str) -> RatingPad:
    """Pair the device that shows `code` with the active window `window` (its code)
    of the centre.

    The actor is a clerk or centre admin of the centre. The code is used up. A window
    has at most one pad: a second one is rejected until a centre admin revokes the first.
    """
    membership = require_role(actor, PAIRING_ROLES, centre=centre)
    found_window = find_active_window(centre, window)
    if found_window is None:
        raise PadWindowRequired(windows=listed(active_window_codes(centre)))
    code = normalize_code(code)

    with transaction.atomic():
        pairing = (
            PadPairing.objects.select_for_update()
            .filter(code=code, expires_at__gt=timezone.now())
            .first()
        )
        if pairing is None:
            raise PairingCodeInvalid(code=echoed(code), minutes=PAIRING_MINUTES)
        found_window = lock_active_window(found_window)
        _check_window_free(centre, found_window)
        try:
            with transaction.atomic():
                pad = RatingPad.objects.create(
                    centre=centre,
                    window=window_label(found_window),
                    window_record=found_window,
                    secret_digest=pairing.secret_digest,
                    paired_by=actor,
                )
        except IntegrityError:
            _check_window_free(centre, found_window)
            raise
        pairing.delete()
        _audit(
            actor,
            membership.role,
            pad,
            "rating_pad.paired",
            {"window": found_window.code},
        )
    log.info("rating_pad.paired", pad_id=pad.pk, centre_id=centre.pk)
    return pad


def _check_window_free(centre: Centre, window: Window) -> None:
    existing = get_window_pad(centre, window.pk)
    if existing is not None:
        raise PadWindowTaken(
            window=named_window(window.name, window.code),
            pad=existing.pk,
            paired_at=timezone.localtime(existing.paired_at).strftime("%Y-%m-%d %H:%M"),
        )


def revoke_pad(*, actor: Any, pad: RatingPad) -> RatingPad:
    """Revoke a pad: its cookie no longer works and its window has no pad.

    The actor is a centre admin of the pad's centre. Revoking a revoked pad changes
    nothing.
    """
    membership = require_role(actor, (Role.CENTRE_ADMIN,), centre=pad.centre)
    with transaction.atomic():
        pad = RatingPad.objects.select_for_update().get(pk=pad.pk)
        if pad.revoked_at is not None:
            return pad
        pad.revoked_at = timezone.now()
        pad.revoked_by = actor
        pad.save(update_fields=["revoked_at", "revoked_by"])
        _audit(
            actor,
            membership.role,
            pad,
            "rating_pad.revoked",
            {"window": pad.window_record.code if pad.window_record else pad.window},
        )
    log.info("rating_pad.revoked", pad_id=pad.pk, centre_id=pad.centre_id)
    return pad


def record_pad_seen(pad: RatingPad) -> None:
    """Record that the pad asked for its screen, at most once per SEEN_INTERVAL."""
    now = timezone.now()
    if pad.last_seen_at is not None and now - pad.last_seen_at < SEEN_INTERVAL:
        return
    RatingPad.objects.filter(pk=pad.pk).update(last_seen_at=now)
    pad.last_seen_at = now


def _audit(
    actor: Any, role: str, pad: RatingPad, verb: str, data: dict[str, Any]
) -> None:
    record_event(
        actor=actor,
        actor_role=role,
        verb=verb,
        object_type="rating_pad",
        object_id=pad.pk,
        centre=pad.centre,
        data=data,
    )
