"""C2SP tlog-checkpoints of the ledger: the body format, the signing key and the vkey.

A checkpoint body is three lines: the origin, the tree size in decimal and the base64
root hash. It is signed as a C2SP signed note by the deployment's Ed25519 key, whose key
name is the origin (setting `ONESTOP_LEDGER_ORIGIN`, default "onestop.local/ledger").
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from onestop.core.ledger import note
from onestop.core.ledger.merkle import HASH_SIZE
from onestop.core.ledger.models import LedgerKey
from onestop.core.ledger.reasons import ReasonError
from onestop.core.logging import get_logger
from onestop.core.signing import (
    PrivateKeyUndecryptable,
    SigningKeyUnavailable,
    decrypt_private_key,
    encrypt_private_key,
)

logger = get_logger(__name__)

DEFAULT_ORIGIN = "onestop.local/ledger"
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")


class CheckpointFormatError(ReasonError):
    code = "ledger.checkpoint_malformed"


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()


def get_origin() -> str:
    """Return the checkpoint origin line and key name of this deployment."""
    return getattr(settings, "ONESTOP_LEDGER_ORIGIN", DEFAULT_ORIGIN)


def format_checkpoint(origin: str, size: int, root_hash: bytes) -> str:
    """Write a checkpoint body: origin, decimal size and base64 root, one per line."""
    if not origin or "\n" in origin:
        raise CheckpointFormatError(
            gettext_noop("the origin must be one non-empty line")
        )
    return f"{origin}\n{size}\n{base64.b64encode(root_hash).decode()}\n"


def parse_checkpoint(text: str) -> CheckpointBody:
    """Parse a checkpoint body; lines after the third are returned as extensions."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise CheckpointFormatError(
            gettext_noop("a checkpoint has origin, size and root hash lines")
        )
    origin, size, encoded = lines[:3]
    if not origin:
        raise CheckpointFormatError(gettext_noop("the checkpoint origin line is empty"))
    if not _DECIMAL.fullmatch(size):
        raise CheckpointFormatError(
            gettext_noop("the checkpoint size %(size)s is not a decimal number"),
            size=repr(size),
        )
    try:
        root = note.decode_base64(encoded)
    except binascii.Error as error:
        raise CheckpointFormatError(
            gettext_noop("the checkpoint root hash is not base64")
        ) from error
    if len(root) != HASH_SIZE:
        raise CheckpointFormatError(
            gettext_noop("the checkpoint root hash has %(length)s bytes"),
            length=len(root),
        )
    return CheckpointBody(origin, int(size), root, tuple(lines[3:-1]))


def key_associated_data(name: str) -> bytes:
    """Return the associated data that binds an encrypted ledger key to its name."""
    return b"ledger:" + name.encode("utf-8")


def _load_private_key(row: LedgerKey) -> Ed25519PrivateKey:
    try:
        raw = decrypt_private_key(
            bytes(row.private_key_encrypted),
            associated_data=key_associated_data(row.name),
        )
    except PrivateKeyUndecryptable:
        logger.error("ledger.key_unwrap_failed", ledger_key_id=row.pk)
        raise SigningKeyUnavailable(key_id=row.name) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def get_signing_key() -> tuple[str, Ed25519PrivateKey]:
    """Return the key name and Ed25519 key that sign checkpoints; create it once."""
    name = get_origin()
    row = LedgerKey.objects.filter(name=name).first()
    if row is None:
        row = _create_signing_key(name)
    return row.name, _load_private_key(row)


def _create_signing_key(name: str) -> LedgerKey:
    key = Ed25519PrivateKey.generate()
    encrypted = encrypt_private_key(
        key.private_bytes_raw(), associated_data=key_associated_data(name)
    )
    try:
        with transaction.atomic():
            row = LedgerKey.objects.create(
                name=name,
                private_key_encrypted=encrypted,
                public_key=note.public_key_bytes(key),
            )
    except IntegrityError:
        return LedgerKey.objects.get(name=name)
    logger.info("ledger.key_created", ledger_key_id=row.pk)
    return row


def get_vkey() -> str:
    """Return the public verifier key string of the checkpoint signing key.

    Creates the signing key when the deployment has none yet, as signing does.
    """
    name = get_origin()
    row = LedgerKey.objects.filter(name=name).first() or _create_signing_key(name)
    return verifier_key(row)


def get_stored_vkey() -> str | None:
    """Return the verifier key string of the stored signing key, or None if none.

    It never creates a key, so a verification does not write one.
    """
    row = LedgerKey.objects.filter(name=get_origin()).first()
    return None if row is None else verifier_key(row)


def verifier_key(row: LedgerKey) -> str:
    """Return the verifier key string of a stored signing key from its public key.

    A key stored before public keys were kept has none. This derives it once from
    the private key, which needs the secret key, and stores it.
    """
    public = bytes(row.public_key)
    if not public:
        public = note.public_key_bytes(_load_private_key(row))
        LedgerKey.objects.filter(pk=row.pk).update(public_key=public)
        row.public_key = public
    return note.format_public_vkey(row.name, public)


def sign_checkpoint(size: int, root_hash: bytes) -> str:
    """Sign the checkpoint of a tree and return it as a signed note."""
    name, key = get_signing_key()
    return note.sign_note(format_checkpoint(get_origin(), size, root_hash), name, key)


def verify_checkpoint(
    message: str, vkey: str, origin: str | None = None
) -> CheckpointBody:
    """Verify a signed checkpoint against a vkey string and return its parsed body.

    The origin line must equal `origin`, or the key name when `origin` is None. Raises
    NoteError or CheckpointFormatError with the reason.
    """
    verifier = note.parse_vkey(vkey)
    # The body's format is checked before the signatures, so that a malformed line is
    # reported as such rather than as a signature that does not verify.
    body = parse_checkpoint(note.parse_note(message).text)
    note.verify_note(message, verifier)
    expected = verifier.name if origin is None else origin
    if body.origin != expected:
        raise CheckpointFormatError(
            gettext_noop(
                "checkpoint origin %(origin)s is not the expected %(expected)s"
            ),
            origin=repr(body.origin),
            expected=repr(expected),
        )
    return body
