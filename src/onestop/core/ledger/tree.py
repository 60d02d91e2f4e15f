"""Reads of the stored Merkle tree: roots and proofs from O(log n) `LedgerNode` rows.

Proofs served to the public read the upper subtrees through a cache in each process.
A subtree of 2**CACHED_LEVEL leaves or more is part of the proofs of all its leaves,
and a stored subtree never changes once written, so every process keeps the ones it
has read. A proof then reads the same number of rows, about CACHED_LEVEL, at any log
size. The sequencer and `onestop ledger verify` read the table itself, so an edited
row is still detected there.
"""

from __future__ import annotations

import threading

from onestop.core.ledger import merkle
from onestop.core.ledger.merkle import NodeId, ProofPlan
from onestop.core.ledger.models import LedgerNode, node_key

CACHED_LEVEL = 12
# At most this many subtrees are cached (about 10 MB, an estimate). A log of 100 million
# entries has about 49,000 subtrees of CACHED_LEVEL or more.
CACHE_LIMIT = 65_536

_cache: dict[NodeId, bytes] = {}
_cache_lock = threading.Lock()


class MissingNodeError(LookupError):
    """A stored subtree that a root or a proof needs is missing."""


def clear_cache() -> None:
    """Forget every cached subtree, for a ledger that was emptied (as tests do)."""
    with _cache_lock:
        _cache.clear()


def fetch_nodes(nodes: set[NodeId], *, cached: bool = False) -> dict[NodeId, bytes]:
    """Read the hashes of the given subtrees in one query.

    With `cached`, the upper subtrees come from the process cache where it has them,
    and the ones read are added to it.
    """
    found = {node: _cache[node] for node in nodes if node in _cache} if cached else {}
    to_read = nodes - found.keys()
    if to_read:
        keys = [node_key(level, index) for level, index in to_read]
        rows = LedgerNode.objects.filter(key__in=keys).values_list(
            "level", "index", "hash"
        )
        read = {(level, index): bytes(value) for level, index, value in rows}
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
    return resolve(merkle.inclusion_plan(index, size), cached=cached)


def stored_consistency_proof(
    size1: int, size2: int, *, cached: bool = False
) -> list[bytes]:
    if size1 == size2:
        return []
    return resolve(merkle.consistency_plan(size1, size2), cached=cached)
