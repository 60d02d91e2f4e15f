"""Offline proof bundles in the C2SP tlog-proof text format.

    c2sp.org/tlog-proof@v1
    extra <base64 of the entry's canonical JSON bytes>
    index <decimal log index>
    <base64 inclusion proof hash, one per line, lowest first>

    <signed checkpoint>

The leaf hash is SHA-256(0x00 || extra bytes), so a holder of the bundle and the
ledger's vkey can check offline that the entry is in the signed tree.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from onestop.core.json_errors import describe_json_value_error
from onestop.core.ledger import merkle, tree
from onestop.core.ledger.checkpoint import (
    CheckpointBody,
    CheckpointFormatError,
    verify_checkpoint,
)
from onestop.core.ledger.errors import (
    BundleInvalid,
    EntryNotIntegrated,
    NoCheckpointCoversEntry,
)
from onestop.core.ledger.models import LedgerEntry
from onestop.core.ledger.note import NoteError, decode_base64
from onestop.core.ledger.queries import get_latest_checkpoint
from onestop.core.ledger.reasons import ReasonError

HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class VerifiedBundle:
    index: int
    data: bytes
    document: Any
    checkpoint: CheckpointBody


def proof_bundle(entry: LedgerEntry) -> str:
    """Write the offline proof of an integrated entry against the latest checkpoint."""
    if entry.index is None:
        raise EntryNotIntegrated(entry_id=entry.pk)
    checkpoint = get_latest_checkpoint()
    if checkpoint.size <= entry.index:
        raise NoCheckpointCoversEntry(index=entry.index, size=checkpoint.size)

    proof = tree.stored_inclusion_proof(entry.index, checkpoint.size, cached=True)
    lines = [
        HEADER,
        f"extra {base64.b64encode(bytes(entry.data)).decode()}",
        f"index {entry.index}",
        *(base64.b64encode(value).decode() for value in proof),
    ]
    return "\n".join(lines) + "\n\n" + checkpoint.note


def _decode(value: str, reason: str, **params: Any) -> bytes:
    """Decode base64, or raise BundleInvalid with `reason` filled with `params`."""
    try:
        return decode_base64(value)
    except binascii.Error as error:
        raise _invalid(reason, **params) from error


def _invalid(reason: str, /, **params: Any) -> BundleInvalid:
    """Return BundleInvalid with the reason in the active language."""
    return BundleInvalid(reason=ReasonError(reason, **params).render())


def _parse(text: str) -> tuple[bytes | None, int, list[bytes], str]:
    head, separator, signed_checkpoint = text.partition("\n\n")
    lines = head.split("\n")
    if not separator or lines[0] != HEADER:
        raise _invalid(gettext_noop("the first line is not %(header)s"), header=HEADER)
    lines = lines[1:]
    extra = None
    if lines and lines[0].startswith("extra "):
        extra = _decode(
            lines.pop(0).removeprefix("extra "),
            gettext_noop("the extra data is not base64"),
        )
    if not lines or not lines[0].startswith("index "):
        raise _invalid(gettext_noop("the index line is missing"))
    index_text = lines.pop(0).removeprefix("index ")
    if not index_text.isascii() or not index_text.isdigit():
        raise _invalid(
            gettext_noop("the index %(index)s is not a decimal number"),
            index=repr(index_text[:20]),
        )
    proof = [
        _decode(
            line,
            gettext_noop("the proof hash %(position)s is not base64"),
            position=position,
        )
        for position, line in enumerate(lines)
    ]
    return extra, int(index_text), proof, signed_checkpoint


def verify_proof_bundle(
    text: str, vkey: str, data: bytes | None = None
) -> VerifiedBundle:
    """Verify a proof bundle offline against the ledger's vkey string.

    `data` is the entry's canonical bytes if the caller has them. Otherwise the bundle's
    extra line must carry them. Raises BundleInvalid with the reason.
    """
    extra, index, proof, signed_checkpoint = _parse(text)
    if data is None:
        data = extra
    if data is None:
        raise _invalid(gettext_noop("the bundle carries no entry and none was given"))
    if extra is not None and extra != data:
        raise _invalid(gettext_noop("the bundle's entry differs from the given entry"))

    try:
        body = verify_checkpoint(signed_checkpoint, vkey)
        merkle.verify_inclusion(
            index, body.size, merkle.leaf_hash(data), proof, body.root_hash
        )
    except (NoteError, CheckpointFormatError, merkle.ProofError) as error:
        raise BundleInvalid(reason=error.render()) from error
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BundleInvalid(reason="the entry is not UTF-8") from error
    except ValueError as error:
        raise _invalid(
            gettext_noop("the entry is not UTF-8 JSON (%(error)s)"),
            error=describe_json_value_error(error),
        ) from error
    return VerifiedBundle(index, data, document, body)
