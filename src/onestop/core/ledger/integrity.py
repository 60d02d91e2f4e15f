"""The check behind `onestop ledger verify`: recompute the tree, find changed rows.

Each finding names one row by its position: an entry by its index, a tile by its band
and index, a checkpoint by its id. An entry's kind, centre and queue time columns are
compared with its canonical document, which the leaf hash covers, because the API and
the filters read them. A changed row is reported once. Each tile of band 0
is checked against the entries and each higher tile against the tiles below it, so the
tiles above a changed one are not reported as well.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from onestop.core.errors import list_text
from onestop.core.ledger import merkle
from onestop.core.ledger.checkpoint import (
    CheckpointFormatError,
    get_stored_vkey,
    verify_checkpoint,
)
from onestop.core.ledger.models import (
    DOCUMENT_COLUMNS,
    TILE_BANDS,
    TILE_HEIGHT,
    TILE_KEY_INDEX_BITS,
    TILE_WIDTH,
    Checkpoint,
    LedgerEntry,
    LedgerTile,
    LogHead,
    document_columns,
    tile_key,
)
from onestop.core.ledger.note import NoteError
from onestop.core.ledger.tree import perfect_root, split_hashes
from onestop.core.models import AuditEvent
from onestop.core.progress import ProgressCallback

CHUNK = 5000
# Rows between two calls of a progress callback.
PROGRESS_INTERVAL = 1000
MAX_TILE_INDEX = (1 << TILE_KEY_INDEX_BITS) - 1


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
    tiles_checked: int = 0
    checkpoints_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, kind: str, position: str, detail: str) -> None:
        self.findings.append(Finding(kind, position, detail))


def _stored_band(
    report: IntegrityReport, band: int, count: int
) -> tuple[list[bytes | None], set[int]]:
    """Read the `count` stored hashes of one band, None where a tile is unusable.

    Reports missing tiles, tiles of the wrong width and tiles past the tree size;
    returns the hashes and the indices of the hashes whose tile is unusable.
    """
    values: list[bytes | None] = [None] * count
    tiles = -(-count // TILE_WIDTH)
    present: set[int] = set()
    rows = (
        LedgerTile.objects.filter(
            key__range=(tile_key(band, 0), tile_key(band, MAX_TILE_INDEX))
        )
        .order_by("key")
        .values_list("index", "hashes")
        .iterator(chunk_size=CHUNK)
    )
    for index, stored in rows:
        position = _tile(band, index)
        if index >= tiles:
            report.add("tile_beyond_tree", position, _("tile lies past the tree size"))
            continue
        present.add(index)
        report.tiles_checked += 1
        first = index * TILE_WIDTH
        width = min(TILE_WIDTH, count - first)
        hashes = split_hashes(bytes(stored))
        if len(bytes(stored)) != width * merkle.HASH_SIZE:
            report.add(
                "tile_edited",
                position,
                _("contains %(count)s hashes, expected %(expected)s")
                % {"count": len(hashes), "expected": width},
            )
            continue
        values[first : first + width] = hashes
    failed: set[int] = set()
    for index in range(tiles):
        if index not in present:
            report.add("tile_deleted", _tile(band, index), _("tile is missing"))
        first = index * TILE_WIDTH
        if values[first] is None:
            failed.update(range(first, min(first + TILE_WIDTH, count)))
    return values, failed


def _entry(index: int) -> str:
    return _("entry %(index)s") % {"index": index}


def _tile(band: int, index: int) -> str:
    return _("tile %(band)s/%(index)s") % {"band": band, "index": index}


def _checkpoint(checkpoint_id: int) -> str:
    return _("checkpoint %(id)s") % {"id": checkpoint_id}


def _report_hash(
    report: IntegrityReport, band: int, index: int, reported: set[int], message: str
) -> None:
    """Report the tile that contains hash `index` of a band, once per tile.

    `message` is translated text with the placeholders position, level and index.
    """
    tile = index // TILE_WIDTH
    if tile not in reported:
        reported.add(tile)
        level = band * TILE_HEIGHT
        report.add(
            "tile_edited",
            _tile(band, tile),
            message % {"position": index % TILE_WIDTH, "level": level, "index": index},
        )


@dataclass(frozen=True)
class _EntryRow:
    index: int
    data: bytes
    leaf_hash: bytes | None
    columns: dict[str, Any]


def _integrated_entries() -> Iterator[_EntryRow]:
    rows = (
        LedgerEntry.objects.filter(index__isnull=False)
        .order_by("index")
        .values_list("index", "data", "leaf_hash", *DOCUMENT_COLUMNS)
        .iterator(chunk_size=CHUNK)
    )
    for index, data, leaf, *columns in rows:
        if index is None:
            continue
        yield _EntryRow(
            index,
            _as_bytes(data),
            _as_bytes(leaf) if leaf is not None else None,
            dict(zip(DOCUMENT_COLUMNS, columns, strict=True)),
        )


def _as_bytes(value: Any) -> bytes:
    """Return a binary column's value as bytes, also when an edit stored it as text.

    SQLite keeps the type of the value written, so a hand-edited row can hold text or a
    number in a BLOB column. Such a value then fails the hash checks that follow.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, int | float):
        return str(value).encode()
    return bytes(value)


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    # An edited column may hold a type the model does not expect, such as a BLOB.
    return json.dumps(value, ensure_ascii=False, default=repr)


def _check_columns(report: IntegrityReport, row: _EntryRow) -> None:
    """Report the columns that differ from the entry's canonical document, once."""
    position = _entry(row.index)
    try:
        expected = document_columns(json.loads(row.data))
    except (ValueError, TypeError, KeyError):
        report.add("entry_edited", position, _("data is not a ledger entry document"))
        return
    differences = [
        _("%(column)s is %(stored)s but the document has %(signed)s")
        % {
            "column": name,
            "stored": _shown(row.columns[name]),
            "signed": _shown(value),
        }
        for name, value in expected.items()
        if row.columns[name] != value
    ]
    if differences:
        report.add("entry_column_edited", position, list_text(differences))


def _check_leaves(
    report: IntegrityReport, size: int, progress: ProgressCallback | None
) -> tuple[list, list, set[int]]:
    """Check entries against band 0; return stored, data and failed leaves.

    `progress` is called every PROGRESS_INTERVAL entries read and at the end, with
    the count read and the tree size.
    """
    stored, failed = _stored_band(report, 0, size)
    from_data: list[bytes | None] = [None] * size
    reported: set[int] = set()
    for read, row in enumerate(_integrated_entries(), start=1):
        if progress is not None and read % PROGRESS_INTERVAL == 0:
            progress(min(read, size), size)
        index, leaf_column = row.index, row.leaf_hash
        if index >= size:
            report.add(
                "entry_beyond_tree", _entry(index), _("index is not below the size")
            )
            continue
        report.entries_checked += 1
        computed = merkle.leaf_hash(row.data)
        from_data[index] = computed
        if computed != leaf_column and computed != stored[index]:
            report.add(
                "entry_edited", _entry(index), _("data does not match its leaf hash")
            )
            failed.add(index)
            continue
        if computed != leaf_column:
            report.add("entry_edited", _entry(index), _("leaf hash column was changed"))
            continue
        if stored[index] is not None and computed != stored[index]:
            _report_hash(
                report,
                0,
                index,
                reported,
                _(
                    "hash %(position)s (node %(level)s/%(index)s) differs from its entry"
                ),
            )
            failed.add(index)
        _check_columns(report, row)

    for index in range(size):
        if from_data[index] is None:
            report.add("entry_deleted", _entry(index), _("no entry has this index"))
    if progress is not None:
        progress(size, size)
    return stored, from_data, failed


def _check_upper_bands(
    report: IntegrityReport, size: int, below: list, failed_below: set[int]
) -> None:
    """Check each stored hash of bands 1 and up against the tile below it."""
    band = 1
    while size >> (band * TILE_HEIGHT):
        count = size >> (band * TILE_HEIGHT)
        stored, failed = _stored_band(report, band, count)
        reported: set[int] = set()
        for index, value in enumerate(stored):
            children = range(index * TILE_WIDTH, (index + 1) * TILE_WIDTH)
            hashes = below[children.start : children.stop]
            if value is None or None in hashes:
                continue
            if perfect_root(hashes) != value:
                failed.add(index)
                if not failed_below.intersection(children):
                    _report_hash(
                        report,
                        band,
                        index,
                        reported,
                        _(
                            "hash %(position)s (node %(level)s/%(index)s) differs "
                            "from its tile below"
                        ),
                    )
        below, failed_below = stored, failed
        band += 1
    for band_past in range(band, TILE_BANDS):
        _stored_band(report, band_past, 0)


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
    vkey = get_stored_vkey()
    for checkpoint in Checkpoint.objects.order_by("size"):
        report.checkpoints_checked += 1
        position = _checkpoint(checkpoint.pk)
        if vkey is None:
            report.add(
                "checkpoint_key_missing",
                position,
                _("no ledger signing key is stored, so the signature was not checked"),
            )
            continue
        try:
            body = verify_checkpoint(checkpoint.note, vkey)
        except (NoteError, CheckpointFormatError) as error:
            report.add("checkpoint_signature_invalid", position, error.render())
            continue
        if body.size != checkpoint.size or body.root_hash != bytes(
            checkpoint.root_hash
        ):
            report.add(
                "checkpoint_edited", position, _("size or root differs from its note")
            )
        if body.size > size:
            report.add(
                "checkpoint_beyond_tree",
                position,
                _("size %(size)s is larger than the tree size %(tree_size)s")
                % {"size": body.size, "tree_size": size},
            )
        elif roots.get(body.size) != body.root_hash:
            report.add(
                "checkpoint_root_mismatch", position, _("entries give another root")
            )

    published = AuditEvent.objects.filter(verb="ledger.checkpoint_published")
    published_ids = {
        int(value) for value in published.values_list("object_id", flat=True)
    }
    present = set(Checkpoint.objects.values_list("pk", flat=True))
    for missing in sorted(published_ids - present):
        report.add(
            "checkpoint_deleted", _checkpoint(missing), _("published but missing")
        )


def check_ledger(progress: ProgressCallback | None = None) -> IntegrityReport:
    """Recompute the tree from the entries and check every node and checkpoint.

    `progress` is called with the count of entries read and the tree size. The upper
    tiles and the checkpoints are checked after the count reaches the size.
    """
    head = LogHead.objects.filter(pk=1).first()
    size = head.size if head else 0
    report = IntegrityReport(tree_size=size)

    stored_leaves, data_leaves, failed_leaves = _check_leaves(report, size, progress)
    _check_upper_bands(report, size, stored_leaves, failed_leaves)

    sizes = set(Checkpoint.objects.values_list("size", flat=True))
    roots = _roots_from_data(data_leaves, stored_leaves, sizes)
    _check_checkpoints(report, size, roots)
    return report
