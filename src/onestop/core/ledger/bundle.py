"""Offline proof bundles in the C2SP tlog-proof text format.

    c2sp.org/tlog-proof@v1
    extra <base64 of the entry's canonical JSON bytes>
    index <decimal log index>
    <base64 inclusion proof hash, one per line, lowest first>

    <signed checkpoint>

The leaf hash is SHA-256(0x00 || extra bytes), so a holder of the bundle and the
ledger's vkey can check offline that the entry is in the signed tree.

A complete bundle ends with the line break of its last signature line. A bundle cut
short, by a copy or a download that stopped, is rejected with a reason that names
the part it ends in or before (`BundlePart`), rather than with the first check that
the missing text breaks.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

from onestop.core.errors import Coded
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

# The parts of a bundle in their order, each with its name in reasons.
BUNDLE_PARTS = {
    "header": gettext_noop("header line"),
    "entry": gettext_noop("entry (the extra line)"),
    "index": gettext_noop("index line"),
    "proof": gettext_noop("proof hash lines"),
    "checkpoint": gettext_noop("checkpoint"),
    "signature": gettext_noop("checkpoint signature"),
}
CUT_INSIDE = gettext_noop("the bundle is truncated inside the %(part)s")
CUT_BEFORE = gettext_noop(
    "the bundle is truncated before the %(part)s, which is missing"
)


class BundleTruncated(ReasonError):
    """A bundle cut short: `part` is the key of BUNDLE_PARTS that it ends in or before.

    Its English reason matches the offline verifier's, and `render` names the part in
    the active language too.
    """

    def __init__(self, reason: str, part: str) -> None:
        super().__init__(reason, part=BUNDLE_PARTS[part])
        self.part = part

    def render(self) -> str:
        return gettext(self.reason) % {"part": gettext(BUNDLE_PARTS[self.part])}


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
    """Return BundleInvalid for a reason with %(name)s placeholders and their values."""
    return _rejected(ReasonError(reason, **params))


def _rejected(error: ReasonError) -> BundleInvalid:
    """Return BundleInvalid for `error`.

    Its details give the English reason, which is the same in every language and the
    same as the offline verifier's, and for a truncated bundle the part's key. The
    message gives the reason in the language it is rendered in.
    """
    with translation.override("en"):
        english = error.reason % error.params if error.params else error.reason
    details: dict[str, Any] = {"reason": Coded(english, _lazy_render(error))}
    if isinstance(error, BundleTruncated):
        details["part"] = error.part
    return BundleInvalid(**details)


def _render(error: ReasonError) -> str:
    return error.render()


_lazy_render = lazy(_render, str)
_lazy_json_error = lazy(describe_json_value_error, str)


def _truncation(text: str) -> BundleTruncated | None:
    """Return the error for a bundle that is cut short, or None if it is not.

    The text up to the first blank line contains the header, entry, index and proof
    lines, and the text after it the checkpoint, a blank line and its signatures.
    """
    _head, separator, signed_checkpoint = text.partition("\n\n")
    if not separator:
        return _truncated_head(text)
    if not signed_checkpoint:
        return BundleTruncated(CUT_BEFORE, "checkpoint")
    body, separator, signatures = signed_checkpoint.partition("\n\n")
    if not separator:
        body_lines = body.removesuffix("\n").split("\n")
        if body.endswith("\n") and len(body_lines) >= 3:
            return BundleTruncated(CUT_BEFORE, "signature")
        return BundleTruncated(CUT_INSIDE, "checkpoint")
    if not signatures:
        return BundleTruncated(CUT_BEFORE, "signature")
    if not signatures.endswith("\n"):
        return BundleTruncated(CUT_INSIDE, "signature")
    return None


def _truncated_head(text: str) -> BundleTruncated | None:
    """Name the part that a bundle without a blank line ends in or before.

    A first line that is neither the header nor the start of it is left to `_parse`,
    which raises the error that the first line is not the header.
    """
    complete = text.endswith("\n")
    lines = text.removesuffix("\n").split("\n")
    if lines[0] != HEADER:
        if len(lines) == 1 and not complete and HEADER.startswith(lines[0]):
            return BundleTruncated(CUT_INSIDE, "header")
        return None
    if len(lines) == 1:
        return BundleTruncated(CUT_BEFORE if complete else CUT_INSIDE, "entry")
    part = _head_part(lines[-1], len(lines) - 1)
    if not complete:
        return BundleTruncated(CUT_INSIDE, part)
    following = "index" if part == "entry" else "checkpoint"
    return BundleTruncated(CUT_BEFORE, following)


def _head_part(line: str, number: int) -> str:
    """Return the part of the head that `line`, the line `number` from 0, belongs to,
    where the line may be cut anywhere after its first character.
    """
    if number == 1 and (line.startswith("extra ") or "extra ".startswith(line)):
        return "entry"
    if line.startswith("index ") or "index ".startswith(line):
        return "index"
    return "proof"


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
    if "\r" in text:
        # No part of a bundle contains a CR. Without this check, a bundle saved by a
        # Windows editor would fail as cut or as having a wrong first line.
        raise _invalid(
            gettext_noop(
                "its lines end with CR LF, as some editors save text; a proof bundle's "
                "lines end with LF alone, so use the file as it was downloaded"
            )
        )
    truncated = _truncation(text)
    if truncated is not None:
        raise _rejected(truncated)
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
        raise _rejected(error) from error
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _invalid(gettext_noop("the entry is not UTF-8")) from error
    except ValueError as error:
        raise _invalid(
            gettext_noop("the entry is not UTF-8 JSON (%(error)s)"),
            error=_lazy_json_error(error),
        ) from error
    return VerifiedBundle(index, data, document, body)
