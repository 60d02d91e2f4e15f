from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.core.ledger import merkle
from onestop.core.ledger.checkpoint import get_vkey, verify_checkpoint
from onestop.core.ledger.errors import CheckpointInconsistent
from onestop.core.ledger.models import (
    Checkpoint,
    LedgerEntry,
    LedgerTile,
    LogHead,
    tile_key,
)
from onestop.core.ledger.sequencer import (
    checkpoint_due,
    integrate_pending,
    publish_checkpoint,
)
from onestop.core.ledger.tests.factories import (
    assert_served_proofs_match,
    edit_tile_hash,
    expected_tiles,
    fill_ledger,
    memory_tree,
    queue_cases,
    stored_tiles,
)
from onestop.core.ledger.tree import MissingNodeError
from onestop.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _leaf_hashes() -> list[bytes]:
    entries = LedgerEntry.objects.order_by("index")
    return [merkle.leaf_hash(bytes(entry.data)) for entry in entries]


def test_integration_assigns_indices_in_queue_order():
    queue_cases(5)

    assert integrate_pending() == 5
    entries = list(LedgerEntry.objects.order_by("id"))
    assert [entry.index for entry in entries] == [0, 1, 2, 3, 4]
    assert all(entry.integrated_at is not None for entry in entries)
    assert LogHead.objects.get(pk=1).size == 5


def test_integration_respects_batch_size():
    queue_cases(7)

    assert integrate_pending(batch_size=3) == 3
    assert integrate_pending(batch_size=3) == 3
    assert integrate_pending(batch_size=3) == 1
    assert integrate_pending(batch_size=3) == 0


def test_stored_tiles_match_memory_tree_after_every_batch():
    # Batches that end inside a tile, on a tile's edge and across several tiles of
    # band 0 and band 1, so that partial tiles are extended as the log grows.
    for batch in (1, 2, 5, 13, 3, 16, 200, 31, 1, 240):
        queue_cases(batch, start=LedgerEntry.objects.count())
        integrate_pending()
        assert stored_tiles() == expected_tiles(merkle.MemoryTree(_leaf_hashes()))
    assert (2, 0) in stored_tiles()


def test_integration_refuses_a_partial_tile_of_the_wrong_width():
    fill_ledger(5)
    tile = LedgerTile.objects.get(key=tile_key(0, 0))
    LedgerTile.objects.filter(pk=tile.pk).update(hashes=bytes(tile.hashes)[:-32])
    queue_cases(1, start=5)

    with pytest.raises(MissingNodeError):
        integrate_pending()


def test_stored_proofs_match_memory_tree():
    queue_cases(37)
    integrate_pending(batch_size=10)
    integrate_pending(batch_size=100)
    assert_served_proofs_match(memory_tree(), (1, 2, 17, 32, 37))


def test_published_checkpoint_is_signed_c2sp_note(ledger_origin):
    queue_cases(3)
    integrate_pending()

    checkpoint = publish_checkpoint()

    assert checkpoint is not None
    body = verify_checkpoint(checkpoint.note, get_vkey())
    assert checkpoint.note.startswith("onestop.test/ledger\n3\n")
    assert "\n\n\u2014 onestop.test/ledger " in checkpoint.note
    assert body.size == 3
    assert body.root_hash == merkle.MemoryTree(_leaf_hashes()).root()


def test_publishing_writes_audit_event():
    fill_ledger(2)

    event = AuditEvent.objects.get(verb="ledger.checkpoint_published")
    assert event.object_id == str(Checkpoint.objects.get().pk)


def test_no_checkpoint_without_growth():
    assert publish_checkpoint() is None
    fill_ledger(2)

    assert publish_checkpoint() is None
    assert Checkpoint.objects.count() == 1


def test_checkpoint_not_published_when_history_changed():
    fill_ledger(4)
    edit_tile_hash(0, 0, 1, b"\x07" * 32)
    queue_cases(3, start=4)
    integrate_pending()

    with pytest.raises(CheckpointInconsistent) as caught:
        publish_checkpoint()

    assert caught.value.code == "ledger.checkpoint_inconsistent"
    assert Checkpoint.objects.count() == 1


def test_checkpoint_due_after_entry_count(settings):
    settings.ONESTOP_LEDGER_CHECKPOINT_ENTRIES = 5
    settings.ONESTOP_LEDGER_CHECKPOINT_INTERVAL = 3600
    fill_ledger(1)
    queue_cases(4, start=1)
    integrate_pending()

    assert not checkpoint_due()
    queue_cases(1, start=5)
    integrate_pending()
    assert checkpoint_due()


def test_checkpoint_due_after_interval(settings):
    settings.ONESTOP_LEDGER_CHECKPOINT_ENTRIES = 1000
    settings.ONESTOP_LEDGER_CHECKPOINT_INTERVAL = 60
    fill_ledger(1)
    queue_cases(1, start=1)
    integrate_pending()

    assert not checkpoint_due()
    assert checkpoint_due(timezone.now() + timedelta(seconds=61))
