"""Helpers that fill the ledger for tests."""

from __future__ import annotations

from onestop.core.ledger import merkle
from onestop.core.ledger.actions import queue_entry
from onestop.core.ledger.models import LedgerEntry
from onestop.core.ledger.queries import (
    get_consistency_proof,
    get_inclusion_proof,
    get_root,
)
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


def memory_tree() -> merkle.MemoryTree:
    """Build the in-memory tree of the integrated entries, in index order."""
    entries = LedgerEntry.objects.order_by("index")
    return merkle.MemoryTree([merkle.leaf_hash(bytes(entry.data)) for entry in entries])


def assert_served_proofs_match(
    memory: merkle.MemoryTree, sizes: tuple[int, ...]
) -> None:
    """Check every root, inclusion and consistency proof served at the given sizes."""
    for size in sizes:
        assert get_root(size) == memory.root(size)
        for index in range(size):
            assert get_inclusion_proof(index, size) == memory.inclusion_proof(
                index, size
            )
        for first in range(1, size + 1):
            assert get_consistency_proof(first, size) == memory.consistency_proof(
                first, size
            )
