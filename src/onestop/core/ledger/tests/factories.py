"""Helpers that fill the ledger for tests."""

from __future__ import annotations

from onestop.core.ledger import merkle
from onestop.core.ledger.actions import queue_entry
from onestop.core.ledger.models import (
    TILE_HEIGHT,
    TILE_WIDTH,
    LedgerEntry,
    LedgerTile,
    tile_key,
)
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


def expected_tiles(memory: merkle.MemoryTree) -> dict[tuple[int, int], bytes]:
    """Return the tiles, full and partial, that store the tree `memory`."""
    tiles = {}
    for level in range(0, len(memory.levels), TILE_HEIGHT):
        hashes = memory.levels[level]
        for first in range(0, len(hashes), TILE_WIDTH):
            tile = (level // TILE_HEIGHT, first // TILE_WIDTH)
            tiles[tile] = b"".join(hashes[first : first + TILE_WIDTH])
    return tiles


def stored_tiles() -> dict[tuple[int, int], bytes]:
    rows = LedgerTile.objects.values_list("band", "index", "hashes")
    return {(band, index): bytes(value) for band, index, value in rows}


def edit_tile_hash(band: int, index: int, position: int, value: bytes) -> None:
    """Overwrite hash `position` of a stored tile, as someone editing the row would."""
    tile = LedgerTile.objects.get(key=tile_key(band, index))
    hashes = bytearray(tile.hashes)
    hashes[position * merkle.HASH_SIZE : (position + 1) * merkle.HASH_SIZE] = value
    LedgerTile.objects.filter(pk=tile.pk).update(hashes=bytes(hashes))


def _head_end(bundle: str) -> int:
    return bundle.index("\n\n")


def _signature_start(bundle: str) -> int:
    return bundle.index("\n\n", _head_end(bundle) + 2) + 2


def _line_end(bundle: str, prefix: str) -> int:
    """Return the offset just after the line break of the line that starts `prefix`."""
    return bundle.index("\n", bundle.index("\n" + prefix) + 1) + 1


def _proof_start(bundle: str) -> int:
    return _line_end(bundle, "index ")


# Ways to cut a bundle short, each with the key of the part the cut falls in or before
# and the reason both verifiers give. A bundle's lines are the header, extra, index,
# the proof hashes, a blank line, the checkpoint's origin, size and root hash, a blank
# line and the signature.
TRUNCATIONS = {
    "empty": (lambda bundle: "", "header", "inside"),
    "inside header": (lambda bundle: bundle[:10], "header", "inside"),
    "after header": (
        lambda bundle: bundle[: bundle.index("\n") + 1],
        "entry",
        "before",
    ),
    "inside extra word": (
        lambda bundle: bundle[: bundle.index("\n") + 4],
        "entry",
        "inside",
    ),
    "inside extra data": (
        lambda bundle: bundle[: bundle.index("\n") + 20],
        "entry",
        "inside",
    ),
    "after extra": (
        lambda bundle: bundle[: _line_end(bundle, "extra ")],
        "index",
        "before",
    ),
    "inside index word": (
        lambda bundle: bundle[: _line_end(bundle, "extra ") + 3],
        "index",
        "inside",
    ),
    "inside index number": (
        lambda bundle: bundle[: _proof_start(bundle) - 1],
        "index",
        "inside",
    ),
    "after index": (
        lambda bundle: bundle[: _proof_start(bundle)],
        "checkpoint",
        "before",
    ),
    "inside proof hash": (
        lambda bundle: bundle[: _proof_start(bundle) + 10],
        "proof",
        "inside",
    ),
    "after proof hashes": (
        lambda bundle: bundle[: _head_end(bundle) + 1],
        "checkpoint",
        "before",
    ),
    "after blank line": (
        lambda bundle: bundle[: _head_end(bundle) + 2],
        "checkpoint",
        "before",
    ),
    "inside checkpoint": (
        lambda bundle: bundle[: _head_end(bundle) + 10],
        "checkpoint",
        "inside",
    ),
    "inside root hash": (
        lambda bundle: bundle[: _signature_start(bundle) - 5],
        "checkpoint",
        "inside",
    ),
    "after root hash": (
        lambda bundle: bundle[: _signature_start(bundle) - 1],
        "signature",
        "before",
    ),
    "before signature": (
        lambda bundle: bundle[: _signature_start(bundle)],
        "signature",
        "before",
    ),
    "inside signature": (
        lambda bundle: bundle[: _signature_start(bundle) + 20],
        "signature",
        "inside",
    ),
    "signature line break": (lambda bundle: bundle[:-1], "signature", "inside"),
}

PART_NAMES = {
    "header": "header line",
    "entry": "entry (the extra line)",
    "index": "index line",
    "proof": "proof hash lines",
    "checkpoint": "checkpoint",
    "signature": "checkpoint signature",
}


def truncation_reason(part: str, where: str) -> str:
    """Return the English reason for a bundle cut inside or before `part`."""
    if where == "inside":
        return f"the bundle is truncated inside the {PART_NAMES[part]}"
    return f"the bundle is truncated before the {PART_NAMES[part]}, which is missing"
