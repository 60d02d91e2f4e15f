"""Background work of the ledger: integrate pending entries, publish due checkpoints."""

from __future__ import annotations

from onestop.core.ledger.models import Checkpoint
from onestop.core.ledger.sequencer import (
    checkpoint_due,
    integrate_pending,
    publish_checkpoint,
)
from onestop.core.outbox import periodic

# Bounds one run so a worker returns to its other queues; the next run takes the rest.
MAX_BATCHES_PER_RUN = 100
# How often each outbox worker integrates pending entries and checks for a due checkpoint.
SEQUENCER_INTERVAL_SECONDS = 5


@periodic(SEQUENCER_INTERVAL_SECONDS)
def run_sequencer(batch_size: int = 1000) -> tuple[int, Checkpoint | None]:
    """Integrate pending entries in batches, then publish a checkpoint if one is due.

    Safe to run twice or concurrently. Returns the number integrated and the new
    checkpoint, or None.
    """
    integrated = 0
    for _ in range(MAX_BATCHES_PER_RUN):
        count = integrate_pending(batch_size)
        integrated += count
        if count < batch_size:
            break
    checkpoint = publish_checkpoint() if checkpoint_due() else None
    return integrated, checkpoint
