"""The tiled storage of the tree: proofs at every size, tiles per proof, migration."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onestop.core.ledger import merkle, tree
from onestop.core.ledger.models import TILE_HEIGHT
from onestop.core.ledger.sequencer import integrate_pending
from onestop.core.ledger.tests.factories import (
    expected_tiles,
    memory_tree,
    queue_cases,
    stored_tiles,
)

SIZE = 300


@pytest.mark.django_db
def test_stored_proofs_verify_at_every_size_up_to_300():
    # Uneven batches leave partial tiles in band 0 and band 1 between integrations.
    for batch in (7, 9, 16, 33, 100, 1, 134):
        queue_cases(batch, start=memory_tree().size)
        integrate_pending()
    memory = memory_tree()
    assert memory.size == SIZE
    sample = random.Random(SIZE)

    for size in range(1, SIZE + 1):
        root = memory.root(size)
        assert tree.stored_root(size) == root, size
        for index in range(size):
            proof = tree.stored_inclusion_proof(index, size)
            leaf = memory.node((0, index))
            merkle.verify_inclusion(index, size, leaf, proof, root)
        firsts = {1, size - 1, *(sample.randrange(1, size + 1) for _ in range(10))}
        for first in sorted(first for first in firsts if first >= 1):
            proof = tree.stored_consistency_proof(first, size)
            merkle.verify_consistency(first, size, proof, memory.root(first), root)


@pytest.mark.parametrize("size", [1_000_003, 10_000_019])
def test_proofs_read_the_same_few_tiles_at_any_size(size):
    # Below CACHED_LEVEL a proof reads the tiles on one leaf's path and the tiles at
    # the tree's right edge: at most two per band.
    bound = 2 * tree.CACHED_LEVEL // TILE_HEIGHT
    sample = random.Random(size)

    def tiles(plan: merkle.ProofPlan) -> int:
        nodes = merkle.plan_nodes(plan)
        return len(
            {tree.node_tile(node)[0] for node in nodes if node[0] < tree.CACHED_LEVEL}
        )

    for _proof in range(2000):
        assert tiles(merkle.inclusion_plan(sample.randrange(size), size)) <= bound
        assert tiles(merkle.consistency_plan(sample.randrange(1, size), size)) <= bound


@pytest.mark.django_db(transaction=True)
def test_migration_converts_nodes_to_tiles_and_back():
    memory = merkle.MemoryTree(
        merkle.leaf_hash(b"entry %d" % number) for number in range(SIZE)
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("ledger", "0002_encrypt_ledger_key")])
    try:
        old = executor.loader.project_state(("ledger", "0002_encrypt_ledger_key")).apps
        node_model = old.get_model("ledger", "LedgerNode")
        node_model.objects.bulk_create(
            node_model(key=(index << 6) | level, level=level, index=index, hash=value)
            for level, hashes in enumerate(memory.levels)
            for index, value in enumerate(hashes)
        )
        executor = MigrationExecutor(connection)
        executor.migrate([("ledger", "0003_store_tree_in_tiles")])

        assert stored_tiles() == expected_tiles(memory)
        assert tree.stored_root(SIZE) == memory.root()

        executor = MigrationExecutor(connection)
        executor.migrate([("ledger", "0002_encrypt_ledger_key")])
        rows = node_model.objects.values_list("level", "index", "hash")
        assert {(level, index): bytes(value) for level, index, value in rows} == {
            (level, index): value
            for level, hashes in enumerate(memory.levels)
            for index, value in enumerate(hashes)
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
