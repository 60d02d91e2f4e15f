"""The check behind `onestop ledger verify`: recompute the tree, find changed rows.

Each finding names one row by its position: an entry by its index, a node by its level
and index, a checkpoint by its id. A changed row is reported once. The parent of a
changed node is not reported as well, because its own hash check fails only through the
child.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from onestop.core.ledger import merkle
from onestop.core.ledger.checkpoint import (
    CheckpointFormatError,
    get_vkey,
    verify_checkpoint,
)
from onestop.core.ledger.models import Checkpoint, LedgerEntry, LedgerNode, LogHead
from onestop.core.ledger.note import NoteError
from onestop.core.models import AuditEvent

CHUNK = 5000


@dataclass(frozen=True)
class Finding:
    kind: str
    position: str
    detail: str

    def __str__(self) -> str:
        return f"{self.position}: {self.kind}: {self.detail}"


@dataclass
class IntegrityReport:
    tree_size: int = 0
    entries_checked: int = 0
    nodes_checked: int = 0
    checkpoints_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, kind: str, position: str, detail: str) -> None:
        self.findings.append(Finding(kind, position, detail))


def _stored_level(level: int, count: int) -> list[bytes | None]:
    """Read the stored hashes of one tree level, None where a row is missing."""
    values: list[bytes | None] = [None] * count
    rows = (
        LedgerNode.objects.filter(level=level, index__lt=count)
        .values_list("index", "hash")
        .iterator(chunk_size=CHUNK)
    )
    for index, value in rows:
        values[index] = bytes(value)
    return values


def _integrated_entries() -> Iterator[tuple[int, bytes, bytes | None]]:
    rows = (
        LedgerEntry.objects.filter(index__isnull=False)
        .order_by("index")
        .values_list("index", "data", "leaf_hash")
        .iterator(chunk_size=CHUNK)
    )
    for index, data, leaf in rows:
        if index is None:
            continue
        yield index, bytes(data), bytes(leaf) if leaf is not None else None


def _check_leaves(report: IntegrityReport, size: int) -> tuple[list, list, set[int]]:
    """Check entries against level 0; return stored, data and failed leaves."""
    stored = _stored_level(0, size)
    from_data: list[bytes | None] = [None] * size
    failed: set[int] = set()
    for index, data, leaf_column in _integrated_entries():
        if index >= size:
            report.add(
                "entry_beyond_tree", f"entry {index}", "index is not below the size"
            )
            continue
        report.entries_checked += 1
        computed = merkle.leaf_hash(data)
        from_data[index] = computed
        if computed != leaf_column and computed != stored[index]:
            report.add(
                "entry_edited", f"entry {index}", "data does not match its leaf hash"
            )
            failed.add(index)
        elif computed != leaf_column:
            report.add("entry_edited", f"entry {index}", "leaf hash column was changed")
        elif stored[index] is not None and computed != stored[index]:
            report.add("node_edited", f"node 0/{index}", "leaf node was changed")
            failed.add(index)

    for index in range(size):
        if from_data[index] is None:
            report.add("entry_deleted", f"entry {index}", "no entry has this index")
        if stored[index] is None:
            report.add("node_deleted", f"node 0/{index}", "leaf node is missing")
            failed.add(index)
    return stored, from_data, failed


def _check_internal_levels(
    report: IntegrityReport, size: int, below: list, failed_below: set[int]
) -> None:
    """Check each stored internal node against the stored hashes of its children."""
    level = 1
    while size >> level:
        count = size >> level
        stored = _stored_level(level, count)
        failed: set[int] = set()
        for index, value in enumerate(stored):
            report.nodes_checked += 1
            left, right = below[2 * index], below[2 * index + 1]
            if value is None:
                report.add("node_deleted", f"node {level}/{index}", "node is missing")
                failed.add(index)
            elif (
                left is not None
                and right is not None
                and merkle.node_hash(left, right) != value
            ):
                failed.add(index)
                if not {2 * index, 2 * index + 1} & failed_below:
                    report.add(
                        "node_edited",
                        f"node {level}/{index}",
                        "hash of children differs",
                    )
        below, failed_below = stored, failed
        level += 1


def _report_extra_nodes(report: IntegrityReport, size: int) -> None:
    for level in range(64):
        rows = LedgerNode.objects.filter(level=level, index__gte=size >> level)
        for index in rows.values_list("index", flat=True)[:100]:
            report.add(
                "node_beyond_tree",
                f"node {level}/{index}",
                "node lies past the tree size",
            )


def _roots_from_data(leaves: list, stored: list, sizes: set[int]) -> dict[int, bytes]:
    """Compute the root at each size from the entries, using stored leaves for gaps."""
    compact = merkle.CompactRange()
    roots: dict[int, bytes] = {}
    for index, value in enumerate(leaves):
        compact.append(value or stored[index] or merkle.EMPTY_ROOT)
        if compact.size in sizes:
            roots[compact.size] = merkle.fold_right(
                [value for _, value in compact.edge]
            )
    return roots


def _check_checkpoints(
    report: IntegrityReport, size: int, roots: dict[int, bytes]
) -> None:
    vkey = get_vkey()
    for checkpoint in Checkpoint.objects.order_by("size"):
        report.checkpoints_checked += 1
        position = f"checkpoint {checkpoint.pk}"
        try:
            body = verify_checkpoint(checkpoint.note, vkey)
        except (NoteError, CheckpointFormatError) as error:
            report.add("checkpoint_signature_invalid", position, str(error))
            continue
        if body.size != checkpoint.size or body.root_hash != bytes(
            checkpoint.root_hash
        ):
            report.add(
                "checkpoint_edited", position, "size or root differs from its note"
            )
        if body.size > size:
            report.add("checkpoint_beyond_tree", position, f"size {body.size} > {size}")
        elif roots.get(body.size) != body.root_hash:
            report.add(
                "checkpoint_root_mismatch", position, "entries give another root"
            )

    published = AuditEvent.objects.filter(verb="ledger.checkpoint_published")
    published_ids = {
        int(value) for value in published.values_list("object_id", flat=True)
    }
    present = set(Checkpoint.objects.values_list("pk", flat=True))
    for missing in sorted(published_ids - present):
        report.add(
            "checkpoint_deleted", f"checkpoint {missing}", "published but missing"
        )


def check_ledger() -> IntegrityReport:
    """Recompute the tree from the entries and check every node and checkpoint."""
    head = LogHead.objects.filter(pk=1).first()
    size = head.size if head else 0
    report = IntegrityReport(tree_size=size)

    stored_leaves, data_leaves, failed_leaves = _check_leaves(report, size)
    report.nodes_checked += size
    _check_internal_levels(report, size, stored_leaves, failed_leaves)
    _report_extra_nodes(report, size)

    sizes = set(Checkpoint.objects.values_list("size", flat=True))
    roots = _roots_from_data(data_leaves, stored_leaves, sizes)
    _check_checkpoints(report, size, roots)
    return report
