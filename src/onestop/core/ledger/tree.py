"""Reads and writes of the stored Merkle tree, which lives in `LedgerTile` rows.

A node `(level, index)` is computed from the one tile that contains its leaves' hashes at
the base level of its band: a proof reads one tile per band it crosses, all in one
query. Proofs served to the public read the upper subtrees through a cache in each
process. A subtree of 2**CACHED_LEVEL leaves or more is part of the proofs of all its
leaves, and a stored subtree never changes once written, so every process keeps the
ones it has computed. A proof then reads the same tiles, one per band below
CACHED_LEVEL, at any log size.

The same holds for the upper part of a proof. In the tree of one size, the proof hashes
above CACHED_LEVEL of every leaf in one block of 2**CACHED_LEVEL leaves are the same
(and so, for one block of first sizes, are those of a consistency proof). Each process
keeps those parts of the proofs it has served, keyed by block and tree size, so a proof
computes only its lowest CACHED_LEVEL steps, whatever the log size. Clients ask for
proofs against the latest checkpoint, whose size stays the same until the next one.

The sequencer and `onestop ledger verify` read the table itself, so an edited row is
still detected there.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db import connection

from onestop.core.ledger import merkle
from onestop.core.ledger.merkle import HASH_SIZE, NodeId, ProofPlan
from onestop.core.ledger.models import TILE_HEIGHT, TILE_WIDTH, LedgerTile, tile_key

CACHED_LEVEL = 12
# At most this many subtrees are cached (about 10 MB, an estimate). A log of 100 million
# entries has about 49,000 subtrees of CACHED_LEVEL or more.
CACHE_LIMIT = 65_536

# At most this many upper proof parts of each kind are cached (about 1 KB each at 10
# million entries, an estimate). A log of 10 million entries has about 2,450 blocks.
# NOTE: above about 33 million entries one tree size has more blocks than this, so
# some proofs compute their upper part again; no benchmark covers that size.
PATH_CACHE_LIMIT = 8_192

TileId = tuple[int, int]
# (block, tree size) -> the proof hashes above the block, lowest first, and where the
# descent stopped.
PathKey = tuple[int, int]

_cache: dict[NodeId, bytes] = {}
_inclusion_paths: dict[PathKey, tuple[list[bytes], tuple[int, int]]] = {}
_consistency_paths: dict[
    PathKey, tuple[list[bytes], merkle.ConsistencyState | None]
] = {}
_cache_lock = threading.Lock()


class MissingNodeError(LookupError):
    """A stored subtree that a root or a proof needs is missing."""


def clear_cache() -> None:
    """Forget every cached subtree and proof part, for a ledger that was emptied (as
    tests do).
    """
    with _cache_lock:
        _cache.clear()
        _inclusion_paths.clear()
        _consistency_paths.clear()


def node_tile(node: NodeId) -> tuple[TileId, int, int]:
    """Return the tile that contains a node's base hashes, their offset and their count."""
    level, index = node
    band, height = divmod(level, TILE_HEIGHT)
    first = index << height
    return (band, first >> TILE_HEIGHT), first & (TILE_WIDTH - 1), 1 << height


def perfect_root(hashes: list[bytes]) -> bytes:
    """Hash a power-of-two number of sibling hashes up into their subtree's hash."""
    while len(hashes) > 1:
        hashes = [
            merkle.node_hash(hashes[at], hashes[at + 1])
            for at in range(0, len(hashes), 2)
        ]
    return hashes[0]


def split_hashes(value: bytes) -> list[bytes]:
    return [value[at : at + HASH_SIZE] for at in range(0, len(value), HASH_SIZE)]


def read_tiles(tiles: Iterable[TileId]) -> dict[TileId, bytes]:
    """Read the given tiles in one query; missing tiles are absent from the result."""
    keys = [tile_key(band, index) for band, index in tiles]
    if not keys:
        return {}
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(keys))
    # A raw cursor skips the ORM's query building on the path of every proof. Only
    # quoted model identifiers go into the text, and every value is a parameter.
    sql = (
        f"SELECT {quote('band')}, {quote('index')}, {quote('hashes')} "  # noqa: S608
        f"FROM {quote(LedgerTile._meta.db_table)} WHERE {quote('key')} IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, keys)
        return {(band, index): bytes(value) for band, index, value in cursor.fetchall()}


def fetch_nodes(nodes: set[NodeId], *, cached: bool = False) -> dict[NodeId, bytes]:
    """Compute the hashes of the given subtrees from their tiles, read in one query.

    With `cached`, the upper subtrees come from the process cache where it has them,
    and the ones computed are added to it.
    """
    found = {node: _cache[node] for node in nodes if node in _cache} if cached else {}
    to_read = {node: node_tile(node) for node in nodes if node not in found}
    if to_read:
        tiles = read_tiles({tile for tile, _offset, _count in to_read.values()})
        read: dict[NodeId, bytes] = {}
        for node, (tile, offset, count) in to_read.items():
            value = tiles.get(tile, b"")
            if len(value) >= (offset + count) * HASH_SIZE:
                hashes = value[offset * HASH_SIZE : (offset + count) * HASH_SIZE]
                read[node] = perfect_root(split_hashes(hashes))
        found.update(read)
        if cached:
            _remember(read)
    missing = nodes - found.keys()
    if missing:
        raise MissingNodeError(f"stored tree nodes are missing: {sorted(missing)[:5]}")
    return found


def _remember(read: dict[NodeId, bytes]) -> None:
    upper = {node: value for node, value in read.items() if node[0] >= CACHED_LEVEL}
    if not upper:
        return
    with _cache_lock:
        if len(_cache) + len(upper) > CACHE_LIMIT:
            _cache.clear()
        for node, value in list(upper.items())[:CACHE_LIMIT]:
            _cache[node] = value


def store_nodes(size: int, created: Iterable[tuple[NodeId, bytes]]) -> None:
    """Add the nodes that appending leaves to a tree of `size` leaves completed.

    `created` is every node the appends completed, in order, as
    `merkle.CompactRange.append` returns them; only those at the base level of a band
    are stored. The rightmost tile of each band is read and extended; a tile that does
    not hold exactly the hashes the tree size implies raises MissingNodeError.
    """
    added: dict[TileId, list[bytes]] = {}
    for (level, index), value in created:
        if level % TILE_HEIGHT == 0:
            band = level // TILE_HEIGHT
            added.setdefault((band, index >> TILE_HEIGHT), []).append(value)
    # Only the first tile that each band extends can already exist.
    stored = read_tiles(added)
    rows = []
    for (band, index), values in added.items():
        before = (size >> (band * TILE_HEIGHT)) - index * TILE_WIDTH
        existing = stored.get((band, index), b"") if before > 0 else b""
        if len(existing) != max(before, 0) * HASH_SIZE:
            raise MissingNodeError(
                f"tile {band}/{index} contains {len(existing) // HASH_SIZE} hashes, "
                f"expected {max(before, 0)}"
            )
        rows.append(
            LedgerTile(
                key=tile_key(band, index),
                band=band,
                index=index,
                hashes=existing + b"".join(values),
            )
        )
    LedgerTile.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["hashes"],
    )


def resolve(plan: ProofPlan, *, cached: bool = False) -> list[bytes]:
    """Fold a proof plan over the stored node hashes."""
    hashes = fetch_nodes(merkle.plan_nodes(plan), cached=cached)
    return merkle.resolve_plan(plan, hashes.__getitem__)


def stored_root(size: int, *, cached: bool = False) -> bytes:
    """Compute the root of the first `size` entries from the stored subtrees."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return resolve([merkle.root_plan(size)], cached=cached)[0]


def stored_inclusion_proof(
    index: int, size: int, *, cached: bool = False
) -> list[bytes]:
    if not cached:
        return resolve(merkle.inclusion_plan(index, size))
    merkle.check_inclusion_request(index, size)
    key = (index >> CACHED_LEVEL, size)
    upper = _inclusion_paths.get(key)
    if upper is None:
        steps, rest = merkle.inclusion_descent(index, 0, size, floor=1 << CACHED_LEVEL)
        upper = _remember_path(_inclusion_paths, key, (_resolve_descent(steps), rest))
    upper_hashes, (start, end) = upper
    steps, _rest = merkle.inclusion_descent(index, start, end)
    return _resolve_descent(steps) + upper_hashes


def stored_consistency_proof(
    size1: int, size2: int, *, cached: bool = False
) -> list[bytes]:
    if size1 == size2:
        return []
    block = 1 << CACHED_LEVEL
    if not cached or size1 % block == 0:
        # A first size on a block boundary can end the descent above the block.
        return resolve(merkle.consistency_plan(size1, size2), cached=cached)
    merkle.check_consistency_request(size1, size2)
    key = ((size1 - 1) >> CACHED_LEVEL, size2)
    upper = _consistency_paths.get(key)
    if upper is None:
        steps, rest = merkle.consistency_descent(size1, (0, size2, True), floor=block)
        upper = _remember_path(_consistency_paths, key, (_resolve_descent(steps), rest))
    upper_hashes, rest = upper
    steps = merkle.consistency_descent(size1, rest)[0] if rest else []
    return _resolve_descent(steps) + upper_hashes


def _resolve_descent(steps: merkle.ProofPlan) -> list[bytes]:
    """Resolve descent steps, given highest first, into proof hashes, lowest first."""
    return resolve(steps[::-1], cached=True)


def _remember_path[Value](
    paths: dict[PathKey, Value], key: PathKey, value: Value
) -> Value:
    with _cache_lock:
        if len(paths) >= PATH_CACHE_LIMIT:
            # Dicts keep insertion order, so this removes the oldest part.
            del paths[next(iter(paths))]
        paths[key] = value
    return value
