from __future__ import annotations

import base64
import json
import random

import pytest

from onestop.core.ledger import merkle
from onestop.core.ledger.tests.paths import VECTORS


def _decode(value: str) -> bytes:
    return base64.b64decode(value) if value else b""


def _vector_files(kind: str) -> list:
    files = sorted((VECTORS / kind).rglob("*.json"))
    return [
        pytest.param(path, id=str(path.relative_to(VECTORS / kind))) for path in files
    ]


def _leaves(count: int) -> list[bytes]:
    return [merkle.leaf_hash(f"entry {number}".encode()) for number in range(count)]


@pytest.fixture(scope="module")
def big_tree() -> merkle.MemoryTree:
    return merkle.MemoryTree(_leaves(300))


def test_vector_folders_are_present():
    assert len(_vector_files("inclusion")) == 98
    assert len(_vector_files("consistency")) == 98


@pytest.mark.parametrize("path", _vector_files("inclusion"))
def test_inclusion_vector(path):
    vector = json.loads(path.read_text())
    arguments = (
        vector["leafIdx"],
        vector["treeSize"],
        _decode(vector["leafHash"]),
        [_decode(value) for value in vector["proof"] or []],
        _decode(vector["root"]),
    )

    if vector["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*arguments)
    else:
        merkle.verify_inclusion(*arguments)


@pytest.mark.parametrize("path", _vector_files("consistency"))
def test_consistency_vector(path):
    vector = json.loads(path.read_text())
    arguments = (
        vector["size1"],
        vector["size2"],
        [_decode(value) for value in vector["proof"] or []],
        _decode(vector["root1"]),
        _decode(vector["root2"]),
    )

    if vector["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*arguments)
    else:
        merkle.verify_consistency(*arguments)


def test_classic_tree_roots_match_rfc6962_values():
    data = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657"]
    data.append("606162636465666768696a6b6c6d6e6f")
    leaves = [merkle.leaf_hash(bytes.fromhex(value)) for value in data]
    tree = merkle.MemoryTree(leaves)

    assert tree.root(1).hex().startswith("6e340b9c")
    assert tree.root(8).hex() == (
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )
    assert merkle.root_hash(leaves) == tree.root(8)


def test_empty_tree_root_is_sha256_of_nothing():
    assert merkle.MemoryTree().root() == bytes.fromhex(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_stored_subtree_roots_equal_recursive_definition(big_tree):
    leaves = big_tree.levels[0]
    for size in range(1, 301):
        assert big_tree.root(size) == merkle.root_hash(leaves[:size]), size


def test_every_inclusion_proof_up_to_300_verifies(big_tree):
    leaves = big_tree.levels[0]
    for size in range(1, 301):
        root = big_tree.root(size)
        for index in range(size):
            proof = big_tree.inclusion_proof(index, size)
            merkle.verify_inclusion(index, size, leaves[index], proof, root)


def test_every_consistency_proof_up_to_64_verifies(big_tree):
    for size2 in range(1, 65):
        for size1 in range(1, size2 + 1):
            proof = big_tree.consistency_proof(size1, size2)
            root1, root2 = big_tree.root(size1), big_tree.root(size2)
            merkle.verify_consistency(size1, size2, proof, root1, root2)


def test_sampled_consistency_proofs_up_to_300_verify(big_tree):
    pairs = random.Random(6962).sample(
        [(m, n) for n in range(65, 301) for m in range(1, n + 1)], 4000
    )
    for size1, size2 in pairs:
        proof = big_tree.consistency_proof(size1, size2)
        merkle.verify_consistency(
            size1, size2, proof, big_tree.root(size1), big_tree.root(size2)
        )


def test_consistency_proof_fails_for_other_tree(big_tree):
    other = merkle.MemoryTree([*_leaves(99)[:98], merkle.leaf_hash(b"changed")])
    proof = big_tree.consistency_proof(50, 99)

    with pytest.raises(merkle.RootMismatchError):
        merkle.verify_consistency(50, 99, proof, big_tree.root(50), other.root(99))


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ((5, 5, b"\0" * 32, [], b"\0" * 32), merkle.IndexBeyondSizeError),
        ((0, 0, b"\0" * 32, [], b"\0" * 32), merkle.TreeSizeError),
        ((0, 4, b"\0" * 32, [b"\0" * 32], b"\0" * 32), merkle.ProofLengthError),
        ((0, 2, b"\0" * 31, [b"\0" * 32], b"\0" * 32), merkle.HashLengthError),
        ((0, 2, b"\0" * 32, [b"\0" * 31], b"\0" * 32), merkle.HashLengthError),
        ((0, 2, b"\0" * 32, [b"\0" * 32], b"\0" * 32), merkle.RootMismatchError),
    ],
)
def test_inclusion_failure_has_distinct_error(arguments, error):
    with pytest.raises(error):
        merkle.verify_inclusion(*arguments)


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ((3, 2, [], b"", b""), merkle.SizeOrderError),
        ((0, 2, [], b"", b""), merkle.EmptyTreeConsistencyError),
        ((2, 2, [b"\0" * 32], b"", b""), merkle.ProofLengthError),
        ((2, 2, [], b"a", b"b"), merkle.RootMismatchError),
        ((1, 2, [], b"", b""), merkle.ProofLengthError),
        (
            (3, 4, [b"\0" * 32, b"\0" * 32, b"\0" * 31], b"", b""),
            merkle.HashLengthError,
        ),
    ],
)
def test_consistency_failure_has_distinct_error(arguments, error):
    with pytest.raises(error):
        merkle.verify_consistency(*arguments)


def test_proofs_read_logarithmic_number_of_nodes():
    size = 1_000_003
    bound = 2 * size.bit_length()

    assert len(merkle.plan_nodes([merkle.root_plan(size)])) <= bound
    for index in (0, 1, 524_288, size - 2, size - 1):
        assert len(merkle.plan_nodes(merkle.inclusion_plan(index, size))) <= bound
    for first in (1, 3, 524_288, 999_999, size - 1):
        assert len(merkle.plan_nodes(merkle.consistency_plan(first, size))) <= bound


def test_compact_range_completes_same_nodes_as_full_tree():
    leaves = _leaves(77)
    full = merkle.MemoryTree(leaves[:40])
    edge_nodes = merkle.root_plan(40)
    compact = merkle.CompactRange(40, [full.node(node) for node in edge_nodes])

    for value in leaves[40:]:
        assert compact.append(value) == full.append_leaf_hash(value)
