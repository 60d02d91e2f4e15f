"""Background work of ratings: the default rating of cases left unrated."""

from __future__ import annotations

from onestop.core.logging import get_logger
from onestop.core.outbox import periodic
from onestop.ratings.actions import record_default_ratings

log = get_logger(__name__)

# An hour is fine-grained enough for a rule counted in days, and each run is one query
# per centre when nothing is due.
DEFAULT_RATING_INTERVAL_SECONDS = 3600


@periodic(DEFAULT_RATING_INTERVAL_SECONDS)
def rate_unrated_cases_by_default() -> int:
    """Record 基本满意 for each case not rated within its centre's rating period.

    Safe to run twice or concurrently: each case gets one default rating.
    """
    created = record_default_ratings()
    if created:
        log.info("ratings.default_ratings_recorded", count=created)
    return created
