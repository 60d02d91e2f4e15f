"""Helpers that fill the ledger for tests."""

from __future__ import annotations

from onestop.core.ledger.actions import queue_entry
from onestop.core.ledger.sequencer import integrate_pending, publish_checkpoint


def queue_cases(count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        queue_entry("case.accepted", {"case_id": number, "state": "accepted"}, centre=1)


def fill_ledger(count: int, checkpoint_every: int | None = None):
    """Queue and integrate `count` entries, publishing a checkpoint every so many."""
    step = checkpoint_every or count
    for start in range(0, count, step):
        queue_cases(min(step, count - start), start)
        integrate_pending()
        publish_checkpoint()
