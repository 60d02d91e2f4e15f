"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.

Pure functions, no database. A tree node is named by `(level, index)`: the perfect
subtree of 2**level leaves that starts at leaf `index * 2**level`. Proof generation is
split into a plan (which stored nodes each proof hash is folded from) and a fold over
the node hashes, so the same code serves an in-memory tree and the stored tree, which
reads O(log n) nodes.

The verifiers follow RFC 9162 section 2.1.3.2 (inclusion) and 2.1.4.2 (consistency).
Each way a proof can be wrong raises its own `ProofError` subclass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

from django.utils.translation import gettext_noop

from onestop.core.ledger.reasons import ReasonError

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]
# One proof hash is the fold of the perfect subtrees that cover one range of leaves.
ProofPlan = list[list[NodeId]]


class ProofError(ReasonError):
    """A Merkle proof or its parameters failed verification."""

    code = "ledger.proof_invalid"


class TreeSizeError(ProofError):
    code = "ledger.tree_size_invalid"


class IndexBeyondSizeError(ProofError):
    code = "ledger.index_beyond_size"


class SizeOrderError(ProofError):
    code = "ledger.first_after_second"


class EmptyTreeConsistencyError(ProofError):
    code = "ledger.consistency_from_empty_tree"


class ProofLengthError(ProofError):
    code = "ledger.proof_length"


class HashLengthError(ProofError):
    code = "ledger.hash_length"


class RootMismatchError(ProofError):
    code = "ledger.root_mismatch"


def leaf_hash(data: bytes) -> bytes:
    """Hash one entry as a leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two child hashes into their parent: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def largest_power_of_two_below(n: int) -> int:
    """Return the largest power of two strictly smaller than `n` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_nodes(start: int, end: int) -> list[NodeId]:
    """List the perfect subtrees, left to right, that exactly cover leaves [start, end).

    Each step takes the largest subtree that is aligned at `start` and fits in the
    range.
    """
    nodes: list[NodeId] = []
    while start < end:
        level = (
            (start & -start).bit_length() - 1 if start else (end - start).bit_length()
        )
        while (1 << level) > end - start:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """Combine subtree hashes, left to right, into the RFC 6962 hash of their range.

    The rightmost subtrees are combined first, as the RFC 6962 split at the largest
    power of two does for ranges that start at a multiple of that power.
    """
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def root_plan(size: int) -> list[NodeId]:
    """List the stored subtrees whose fold is the root of a tree of `size` leaves."""
    return range_nodes(0, size)


def check_inclusion_request(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise IndexBeyondSizeError(
            gettext_noop("leaf index %(index)s is not below tree size %(size)s"),
            index=index,
            size=size,
        )


def inclusion_plan(index: int, size: int) -> ProofPlan:
    """Plan the RFC 6962 audit path PATH(index, D[0:size]), lowest hash first."""
    check_inclusion_request(index, size)
    steps, _rest = inclusion_descent(index, 0, size)
    steps.reverse()
    return steps


def inclusion_descent(
    index: int, start: int, end: int, floor: int = 1
) -> tuple[ProofPlan, tuple[int, int]]:
    """Split the range [start, end) around `index` until at most `floor` leaves remain.

    Returns the audit path's steps for the splits made, highest first, and the range
    that remains. From a range that starts at 0, with `floor` a power of two, every
    split point is a multiple of `floor`. So the steps and the remaining range depend
    only on `index // floor` and `end`, not on the low bits of `index`.
    """
    steps: ProofPlan = []
    while end - start > floor:
        split = start + largest_power_of_two_below(end - start)
        if index < split:
            steps.append(range_nodes(split, end))
            end = split
        else:
            steps.append(range_nodes(start, split))
            start = split
    return steps, (start, end)


def check_consistency_request(size1: int, size2: int) -> None:
    if size1 > size2:
        raise SizeOrderError(
            gettext_noop("first size %(size1)s is larger than second size %(size2)s"),
            size1=size1,
            size2=size2,
        )
    if size1 == 0:
        raise EmptyTreeConsistencyError(
            gettext_noop("a consistency proof from an empty tree is meaningless")
        )


def consistency_plan(size1: int, size2: int) -> ProofPlan:
    """Plan the RFC 6962 consistency proof PROOF(size1, D[0:size2]), lowest first."""
    check_consistency_request(size1, size2)
    steps, _rest = consistency_descent(size1, (0, size2, True))
    steps.reverse()
    return steps


# The state of a consistency proof's descent: the range [start, end) that remains, and
# whether its part below `size1` is a subtree that the verifier already has.
ConsistencyState = tuple[int, int, bool]


def consistency_descent(
    size1: int, state: ConsistencyState, floor: int = 0
) -> tuple[ProofPlan, ConsistencyState | None]:
    """Descend the consistency proof of `size1` from `state`, highest step first.

    Stops when the proof is complete (the remaining state is None) or when at most
    `floor` leaves remain. From a range that starts at 0, with `floor` a power of two,
    every split point is a multiple of `floor`. So when `size1` is not such a multiple,
    the steps and the remaining state depend only on `(size1 - 1) // floor` and the
    starting state.
    """
    start, end, first_is_known = state
    steps: ProofPlan = []
    while True:
        if size1 == end:
            if not first_is_known:
                steps.append(range_nodes(start, end))
            return steps, None
        if end - start <= floor:
            return steps, (start, end, first_is_known)
        split = start + largest_power_of_two_below(end - start)
        if size1 <= split:
            steps.append(range_nodes(split, end))
            end = split
        else:
            steps.append(range_nodes(start, split))
            start, first_is_known = split, False


def resolve_plan(plan: ProofPlan, lookup: Callable[[NodeId], bytes]) -> list[bytes]:
    """Turn a proof plan into proof hashes with `lookup` from node id to node hash."""
    return [fold_right([lookup(node) for node in step]) for step in plan]


def plan_nodes(plan: Iterable[list[NodeId]]) -> set[NodeId]:
    """Return every node id that a plan reads."""
    return {node for step in plan for node in step}


class MemoryTree:
    """A Merkle tree held in memory: every perfect subtree of a list of leaf hashes."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for value in leaf_hashes:
            self.append_leaf_hash(value)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append_leaf_hash(self, value: bytes) -> list[tuple[NodeId, bytes]]:
        """Append a leaf hash; return every node it completes, the leaf included."""
        created = [((0, len(self.levels[0])), value)]
        self.levels[0].append(value)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            pair = self.levels[level][-2:]
            if len(self.levels) == level + 1:
                self.levels.append([])
            parent = node_hash(pair[0], pair[1])
            self.levels[level + 1].append(parent)
            level += 1
            created.append(((level, len(self.levels[level]) - 1), parent))
        return created

    def node(self, node: NodeId) -> bytes:
        level, index = node
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if size == 0:
            return EMPTY_ROOT
        return fold_right([self.node(node) for node in root_plan(size)])

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return resolve_plan(inclusion_plan(index, size), self.node)

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        return resolve_plan(consistency_plan(size1, size2), self.node)


class CompactRange:
    """The right edge of a tree: the perfect subtrees that cover leaves [0, size).

    Appending a leaf merges equal-sized subtrees at the edge, so only O(log n) hashes
    are held however large the tree is.
    """

    def __init__(self, size: int = 0, edge: Sequence[bytes] = ()) -> None:
        nodes = root_plan(size)
        if len(nodes) != len(edge):
            raise ValueError(f"a tree of {size} leaves has {len(nodes)} edge subtrees")
        self.size = size
        self.edge: list[tuple[NodeId, bytes]] = list(zip(nodes, edge, strict=True))

    def append(self, value: bytes) -> list[tuple[NodeId, bytes]]:
        """Append a leaf hash; return every node it completes, the leaf included."""
        node: NodeId = (0, self.size)
        created = [(node, value)]
        while self.edge and self.edge[-1][0][0] == node[0]:
            (level, index), left = self.edge.pop()
            node, value = (level + 1, index >> 1), node_hash(left, value)
            created.append((node, value))
        self.edge.append((node, value))
        self.size += 1
        return created


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """Compute MTH(D[n]) from leaf hashes by the RFC 6962 recursive definition."""
    if not leaf_hashes:
        return EMPTY_ROOT
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    split = largest_power_of_two_below(len(leaf_hashes))
    return node_hash(root_hash(leaf_hashes[:split]), root_hash(leaf_hashes[split:]))


def _proof_length_error(length: int, expected: int) -> ProofLengthError:
    return ProofLengthError(
        gettext_noop("proof has %(length)s hashes, expected %(expected)s"),
        length=length,
        expected=expected,
    )


def _root_mismatch(size: int) -> RootMismatchError:
    return RootMismatchError(
        gettext_noop("computed root does not match the root at size %(size)s"),
        size=size,
    )


def _check_hash_lengths(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        if len(value) != HASH_SIZE:
            raise HashLengthError(
                gettext_noop(
                    "proof hash %(position)s has %(length)s bytes, expected %(expected)s"
                ),
                position=position,
                length=len(value),
                expected=HASH_SIZE,
            )


def expected_inclusion_length(index: int, size: int) -> int:
    """Return the number of hashes in an inclusion proof of leaf `index` in `size`
    leaves.
    """
    inner = (index ^ (size - 1)).bit_length()
    return inner + bin(index >> inner).count("1")


def root_from_inclusion_proof(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes]
) -> bytes:
    """Compute the root implied by an inclusion proof (RFC 9162 section 2.1.3.2)."""
    if size < 1:
        raise TreeSizeError(gettext_noop("tree size %(size)s has no leaves"), size=size)
    if not 0 <= index < size:
        raise IndexBeyondSizeError(
            gettext_noop("leaf index %(index)s is not below tree size %(size)s"),
            index=index,
            size=size,
        )
    if len(leaf) != HASH_SIZE:
        raise HashLengthError(
            gettext_noop("leaf hash has %(length)s bytes, expected %(expected)s"),
            length=len(leaf),
            expected=HASH_SIZE,
        )
    expected = expected_inclusion_length(index, size)
    if len(proof) != expected:
        raise _proof_length_error(len(proof), expected)
    _check_hash_lengths(proof)

    fn, sn, result = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise ProofLengthError(
                gettext_noop("proof is longer than the path to the root")
            )
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, sibling)
        fn, sn = fn >> 1, sn >> 1

    if sn != 0:
        raise ProofLengthError(
            gettext_noop("proof is shorter than the path to the root")
        )
    return result


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that `leaf` is at `index` in the tree of `size` leaves with `root`."""
    computed = root_from_inclusion_proof(index, size, leaf, proof)
    if computed != root:
        raise _root_mismatch(size)


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree of `size2` leaves with `root2` extends the one of `size1`.

    Follows RFC 9162 section 2.1.4.2. A proof from an empty tree is rejected, because
    every tree extends the empty tree and such a check proves nothing.
    """
    if size1 > size2:
        raise SizeOrderError(
            gettext_noop("first size %(size1)s is larger than second size %(size2)s"),
            size1=size1,
            size2=size2,
        )
    if size1 == 0:
        raise EmptyTreeConsistencyError(
            gettext_noop("a consistency proof from an empty tree is meaningless")
        )
    if size1 == size2:
        if proof:
            raise _proof_length_error(len(proof), 0)
        if root1 != root2:
            raise RootMismatchError(
                gettext_noop("the two roots at size %(size)s differ"), size=size1
            )
        return
    expected = len(consistency_plan(size1, size2))
    if len(proof) != expected:
        raise _proof_length_error(len(proof), expected)
    _check_hash_lengths(proof)

    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first_root = second_root = path[0]
    for sibling in path[1:]:
        if sn == 0:
            raise ProofLengthError(
                gettext_noop("proof is longer than the path to the root")
            )
        if fn & 1 or fn == sn:
            first_root = node_hash(sibling, first_root)
            second_root = node_hash(sibling, second_root)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second_root = node_hash(second_root, sibling)
        fn, sn = fn >> 1, sn >> 1

    if sn != 0:
        raise ProofLengthError(
            gettext_noop("proof is shorter than the path to the root")
        )
    if first_root != root1:
        raise _root_mismatch(size1)
    if second_root != root2:
        raise _root_mismatch(size2)
