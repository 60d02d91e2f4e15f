"""`onestop worker` rejects options with which no worker would poll."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation


@pytest.mark.parametrize("workers", ["0", "-3"])
def test_workers_below_one_rejected(workers):
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("worker", "--workers", workers)

    assert str(raised.value) == (
        f"worker.workers_invalid: --workers is {workers}, but at least 1 worker "
        "thread must run. Give --workers 1 or more."
    )


@pytest.mark.parametrize("poll", ["0", "-1", "nan"])
def test_poll_not_positive_rejected(poll):
    with translation.override("zh-hans"), pytest.raises(CommandError) as raised:
        call_command("worker", "--poll", poll)

    assert str(raised.value).startswith(f"worker.poll_invalid: --poll 为 {float(poll)}")
