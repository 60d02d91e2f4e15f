"""Background work of identity: removing claims to act for an enterprise that expired."""

from __future__ import annotations

from onestop.core.logging import get_logger
from onestop.core.outbox import periodic
from onestop.identity.agency import remove_expired_claims

log = get_logger(__name__)

# Claims live for days, so an hourly run removes each within an hour of its expiry.
EXPIRED_CLAIMS_INTERVAL_SECONDS = 3600


@periodic(EXPIRED_CLAIMS_INTERVAL_SECONDS)
def remove_expired_agency_claims() -> int:
    """Delete the claims that no window verified within ONESTOP_AGENCY_CLAIM_DAYS.

    Safe to run twice or concurrently: a claim deleted already is not counted again.
    """
    removed = remove_expired_claims()
    if removed:
        log.info("agency.expired_claims_removed", count=removed)
    return removed
