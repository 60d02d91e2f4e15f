"""Reads of the stored Merkle tree: roots and proofs from O(log n) `LedgerNode` rows."""

from __future__ import annotations

from onestop.core.ledger import merkle
from onestop.core.ledger.merkle import NodeId, ProofPlan
from onestop.core.ledger.models import LedgerNode, node_key


class MissingNodeError(LookupError):
    """A stored subtree that a root or a proof needs is missing."""


def fetch_nodes(nodes: set[NodeId]) -> dict[NodeId, bytes]:
    """Read the hashes of the given subtrees in one query."""
    keys = [node_key(level, index) for level, index in nodes]
    rows = LedgerNode.objects.filter(key__in=keys).values_list("level", "index", "hash")
    found = {(level, index): bytes(value) for level, index, value in rows}
    missing = nodes - found.keys()
    if missing:
        raise MissingNodeError(f"stored tree nodes are missing: {sorted(missing)[:5]}")
    return found


def resolve(plan: ProofPlan) -> list[bytes]:
    """Fold a proof plan over the stored node hashes."""
    hashes = fetch_nodes(merkle.plan_nodes(plan))
    return merkle.resolve_plan(plan, hashes.__getitem__)


def stored_root(size: int) -> bytes:
    """Compute the root of the first `size` entries from the stored subtrees."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return resolve([merkle.root_plan(size)])[0]


def stored_inclusion_proof(index: int, size: int) -> list[bytes]:
    return resolve(merkle.inclusion_plan(index, size))


def stored_consistency_proof(size1: int, size2: int) -> list[bytes]:
    if size1 == size2:
        return []
    return resolve(merkle.consistency_plan(size1, size2))
