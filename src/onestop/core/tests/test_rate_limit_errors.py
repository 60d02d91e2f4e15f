"""Rate-limit errors name the wait in the singular or the plural."""

from __future__ import annotations

import pytest
from django.utils import translation

from onestop.core.errors import RateLimited
from onestop.identity.throttle import (
    TooManyRegistrationConflicts,
    TooManySignInAttempts,
)
from onestop.ratings.errors import TooManyPairings


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (RateLimited(retry_after=1), "Wait 1 second and try again."),
        (RateLimited(retry_after=30), "Wait 30 seconds and try again."),
        (TooManySignInAttempts(minutes=1, retry_after=40), "Wait 1 minute and try"),
        (TooManySignInAttempts(minutes=15, retry_after=900), "Wait 15 minutes and"),
        (TooManyRegistrationConflicts(minutes=1, retry_after=9), "wait 1 minute."),
        (TooManyPairings(count=1000, retry_after=1), "Wait 1 second until"),
    ],
)
def test_rate_limit_message_counts_wait(error, text):
    with translation.override("en"):
        message = error.render()

    assert text in message


def test_rate_limit_message_in_chinese():
    with translation.override("zh-hans"):
        message = TooManySignInAttempts(minutes=1, retry_after=40).render()

    assert "请等待 1 分钟后再试" in message


def test_rate_limit_keeps_code_and_status():
    error = TooManyPairings(count=1000, retry_after=5)

    assert error.code == "rating.too_many_pairings"
    assert error.status == 429
    assert error.details == {"count": 1000, "retry_after": 5}
