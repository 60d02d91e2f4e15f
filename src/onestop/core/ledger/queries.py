"""Public reads of the ledger: entries, proofs, checkpoints and the verifier key.

Anyone may read the ledger without signing in, because entries hold only ids, codes,
states, times, hashes and subject references. So these reads take no centre or caller.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from onestop.core import rows
from onestop.core.dates import api_iso
from onestop.core.errors import echoed
from onestop.core.ledger import tree
from onestop.core.ledger.errors import (
    EntryNotFound,
    FirstAfterSecond,
    FirstSizeZero,
    IndexBeyondTreeSize,
    NoCheckpoint,
    NumberInvalid,
    NumberTooLarge,
    TreeSizeBeyondLog,
    TreeSizeInvalid,
)
from onestop.core.ledger.models import Checkpoint, LedgerEntry, LogHead

# Proofs, tree sizes and tile keys stay well inside 64-bit integers below this.
MAX_NUMBER = 2**57


def parse_number(field: str, value: Any) -> int:
    """Parse a non-negative decimal integer from input or raise NumberInvalid.

    Only ASCII digits are accepted: no sign, spaces, decimal point or exponent.
    """
    text = str(value)
    if not text.isascii() or not text.isdigit():
        raise NumberInvalid(field=field, value=echoed(text))
    if len(text) > 20 or int(text) >= MAX_NUMBER:
        raise NumberTooLarge(field=field, value=echoed(text), limit=MAX_NUMBER)
    return int(text)


def get_tree_size() -> int:
    """Return the number of integrated entries."""
    # Every proof reads the head, so it skips the ORM's query building.
    head = rows.fetch_one(LogHead, {"id": 1})
    return head.size if head else 0


def _check_tree_size(tree_size: int) -> None:
    if tree_size < 1:
        raise TreeSizeInvalid(tree_size=tree_size)
    log_size = get_tree_size()
    if tree_size > log_size:
        raise TreeSizeBeyondLog(tree_size=tree_size, log_size=log_size)


def get_entry_at(index: int) -> LedgerEntry:
    """Return the integrated entry at `index` or raise EntryNotFound."""
    entry = LedgerEntry.objects.filter(index=index).first()
    if entry is None:
        raise EntryNotFound(index=index, log_size=get_tree_size())
    return entry


def get_root(tree_size: int) -> bytes:
    _check_tree_size(tree_size)
    return tree.stored_root(tree_size, cached=True)


def get_inclusion_proof(index: int, tree_size: int) -> list[bytes]:
    """Return the audit path of entry `index` in the tree of `tree_size` entries."""
    _check_tree_size(tree_size)
    if index >= tree_size:
        raise IndexBeyondTreeSize(index=index, tree_size=tree_size)
    return tree.stored_inclusion_proof(index, tree_size, cached=True)


def get_consistency_proof(first: int, second: int) -> list[bytes]:
    """Return the proof that the tree of `second` entries extends the one of `first`."""
    if first > second:
        raise FirstAfterSecond(first=first, second=second)
    if first == 0:
        raise FirstSizeZero(first=first)
    _check_tree_size(second)
    return tree.stored_consistency_proof(first, second, cached=True)


def get_latest_checkpoint() -> Checkpoint:
    """Return the checkpoint of the largest tree or raise NoCheckpoint."""
    checkpoint = Checkpoint.objects.order_by("-size").first()
    if checkpoint is None:
        raise NoCheckpoint()
    return checkpoint


def entry_as_dict(entry: LedgerEntry) -> dict[str, Any]:
    """Serialise an integrated entry for the API: its JSON document and its hashes.

    The kind and centre come from the document, which the leaf hash covers, not from
    the columns that repeat them for filtering.
    """
    data = bytes(entry.data)
    document = json.loads(data)
    return {
        "index": entry.index,
        "kind": document["kind"],
        "centre_id": document["centre"],
        "document": document,
        "data": base64.b64encode(data).decode(),
        "leaf_hash": base64.b64encode(bytes(entry.leaf_hash or b"")).decode(),
        "integrated_at": api_iso(entry.integrated_at),
    }
