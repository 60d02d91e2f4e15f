"""The process caches of upper subtrees and upper proof parts that public proofs read."""

from __future__ import annotations

import pytest

from onestop.core.ledger import tree
from onestop.core.ledger.errors import CheckpointInconsistent
from onestop.core.ledger.queries import (
    get_consistency_proof,
    get_inclusion_proof,
    get_root,
)
from onestop.core.ledger.sequencer import integrate_pending, publish_checkpoint
from onestop.core.ledger.tests.factories import (
    assert_served_proofs_match,
    edit_tile_hash,
    fill_ledger,
    memory_tree,
    queue_cases,
)

pytestmark = pytest.mark.django_db

SIZE = 45


@pytest.fixture
def small_cache_level(monkeypatch):
    """Cache subtrees of 4 leaves or more, so that a small log exercises the cache."""
    monkeypatch.setattr(tree, "CACHED_LEVEL", 2)


def test_cached_proofs_match_memory_tree(small_cache_level):
    fill_ledger(SIZE)
    memory = memory_tree()
    # The second pass reads the upper subtrees from the cache that the first one filled.
    for _pass in range(2):
        assert_served_proofs_match(memory, (1, 4, 5, 16, 31, SIZE))
    assert tree._cache
    assert all(level >= 2 for level, _index in tree._cache)


def test_only_upper_subtrees_are_cached(small_cache_level):
    fill_ledger(SIZE)
    get_inclusion_proof(0, SIZE)
    # The proof of leaf 0 folds (0, 1), (1, 1), (2, 1), (3, 1), (4, 1), and then
    # (3, 4), (2, 10) and (0, 44) for leaves 32..44.
    assert set(tree._cache) == {(2, 1), (3, 1), (4, 1), (3, 4), (2, 10)}


def test_sequencer_ignores_cached_subtrees(
    small_cache_level,
):
    fill_ledger(SIZE)
    memory = memory_tree()
    proof = get_inclusion_proof(0, SIZE)
    # The subtree of leaves 32..39 is in the proof of leaf 0 and now in the cache.
    assert (3, 4) in tree._cache
    # Leaf 35 is hash 3 of tile 0/2 (leaves 32..47), so its edit changes (3, 4).
    edit_tile_hash(0, 2, 3, b"\x02" * 32)

    assert get_inclusion_proof(0, SIZE) == proof == memory.inclusion_proof(0, SIZE)
    assert tree.stored_root(SIZE) != memory.root(SIZE)
    queue_cases(1, start=SIZE)
    integrate_pending()
    with pytest.raises(CheckpointInconsistent):
        publish_checkpoint()


def test_full_cache_starts_empty_again(small_cache_level, monkeypatch):
    monkeypatch.setattr(tree, "CACHE_LIMIT", 3)
    fill_ledger(SIZE)
    get_inclusion_proof(0, SIZE)
    assert 0 < len(tree._cache) <= 3
    get_inclusion_proof(SIZE - 1, SIZE)
    assert 0 < len(tree._cache) <= 3


def test_clear_cache_forgets_every_subtree(small_cache_level):
    fill_ledger(SIZE)
    get_root(SIZE)
    get_inclusion_proof(0, SIZE)
    get_consistency_proof(5, SIZE)
    tree.clear_cache()
    assert tree._cache == {}
    assert tree._inclusion_paths == {}
    assert tree._consistency_paths == {}


def test_cached_parts_match_every_size(small_cache_level):
    fill_ledger(SIZE)
    memory = memory_tree()
    for _pass in range(2):
        assert_served_proofs_match(memory, tuple(range(1, SIZE + 1)))
    # Leaves 0..3 share the part of their proofs above level 2, in the tree of 45.
    assert (0, SIZE) in tree._inclusion_paths
    upper, rest = tree._inclusion_paths[(0, SIZE)]
    assert rest == (0, 4)
    assert upper == memory.inclusion_proof(0, SIZE)[2:]
    # First sizes 5..7 share theirs; 4 and 8 lie on block boundaries and are not kept.
    assert (1, SIZE) in tree._consistency_paths
    tree.clear_cache()
    assert get_consistency_proof(8, SIZE) == memory.consistency_proof(8, SIZE)
    assert tree._consistency_paths == {}


def test_parts_kept_per_tree_size(small_cache_level):
    fill_ledger(SIZE)
    first = get_inclusion_proof(9, 20)
    assert get_consistency_proof(9, 20)
    queue_cases(30, start=SIZE)
    integrate_pending()
    memory = memory_tree()
    # The larger tree's proofs of the same leaf and first size differ, and come right.
    assert get_inclusion_proof(9, SIZE + 30) == memory.inclusion_proof(9, SIZE + 30)
    assert get_inclusion_proof(9, SIZE + 30) != first
    assert get_consistency_proof(9, SIZE + 30) == memory.consistency_proof(9, SIZE + 30)
    assert get_inclusion_proof(9, 20) == first == memory.inclusion_proof(9, 20)


def test_full_part_cache_drops_oldest(small_cache_level, monkeypatch):
    monkeypatch.setattr(tree, "PATH_CACHE_LIMIT", 2)
    fill_ledger(SIZE)
    memory = memory_tree()
    for index in (0, 4, 8, 12):
        assert get_inclusion_proof(index, SIZE) == memory.inclusion_proof(index, SIZE)
    assert list(tree._inclusion_paths) == [(2, SIZE), (3, SIZE)]
    for first in (1, 5, 9):
        assert get_consistency_proof(first, SIZE) == memory.consistency_proof(
            first, SIZE
        )
    assert list(tree._consistency_paths) == [(1, SIZE), (2, SIZE)]
