"""C2SP signed notes with Ed25519 keys: parse, sign and verify.

A signed note is UTF-8 text ending in a newline, a blank line, then signature lines
"— <key name> <base64(key id || signature)>". The Ed25519 key id is the first 4 bytes of
SHA-256(key name || 0x0A || 0x01 || public key), and a verifier key is written as
"<name>+<hex key id>+<base64(0x01 || public key)>".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils.translation import gettext_noop

from onestop.core.ledger.reasons import ReasonError

ED25519_ALGORITHM = b"\x01"
SIGNATURE_PREFIX = "\u2014 "
MAX_SIGNATURES = 100
# Standard base64 with its padding and nothing else. base64.b64decode(validate=True)
# also accepts padding after a complete group, such as "QUJD==".
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")


class NoteError(ReasonError):
    """A signed note or a verifier key is malformed, or no known key signed the note."""

    code = "ledger.note_invalid"


class MalformedNoteError(NoteError):
    code = "ledger.note_malformed"


class MalformedKeyError(NoteError):
    code = "ledger.vkey_malformed"


class UnverifiedNoteError(NoteError):
    code = "ledger.note_unverified"


class BadSignatureError(NoteError):
    code = "ledger.note_bad_signature"


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[NoteSignature, ...]


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: Ed25519PublicKey


def decode_base64(value: str) -> bytes:
    """Decode standard padded base64, or raise binascii.Error for any other text."""
    if not _BASE64.fullmatch(value):
        raise binascii.Error(f"{value[:20]!r} is not standard padded base64")
    return base64.b64decode(value)


def key_id(name: str, public_key: bytes) -> bytes:
    """Return the 4-byte key id of an Ed25519 public key under a key name."""
    digest = hashlib.sha256(name.encode() + b"\n" + ED25519_ALGORITHM + public_key)
    return digest.digest()[:4]


def public_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def format_vkey(name: str, private_key: Ed25519PrivateKey) -> str:
    """Write the verifier key string of a signing key."""
    return format_public_vkey(name, public_key_bytes(private_key))


def format_public_vkey(name: str, public: bytes) -> str:
    """Write the verifier key string of a raw 32-byte Ed25519 public key."""
    encoded = base64.b64encode(ED25519_ALGORITHM + public).decode()
    return f"{name}+{key_id(name, public).hex()}+{encoded}"


def _check_key_name(name: str) -> None:
    if not name or any(char.isspace() for char in name) or "+" in name:
        raise MalformedKeyError(
            gettext_noop("key name %(name)s is empty or contains a space or '+'"),
            name=repr(name),
        )


def parse_vkey(vkey: str) -> Verifier:
    """Parse "<name>+<hex key id>+<base64 key>" into a verifier, checking the key id."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise MalformedKeyError(
            gettext_noop("a verifier key has the form <name>+<hex key id>+<base64 key>")
        )
    name, hex_id, encoded = parts
    _check_key_name(name)
    try:
        if not _HEX.fullmatch(hex_id):
            raise ValueError(hex_id)
        declared_id = bytes.fromhex(hex_id)
        key = decode_base64(encoded)
    except (ValueError, binascii.Error) as error:
        raise MalformedKeyError(
            gettext_noop("verifier key of %(name)s is not valid hex and base64"),
            name=repr(name),
        ) from error
    if len(declared_id) != 4 or len(key) != 33 or key[:1] != ED25519_ALGORITHM:
        raise MalformedKeyError(
            gettext_noop(
                "verifier key of %(name)s is not a 4-byte id and an Ed25519 key"
            ),
            name=repr(name),
        )
    if key_id(name, key[1:]) != declared_id:
        raise MalformedKeyError(
            gettext_noop("key id %(key_id)s does not match the key of %(name)s"),
            key_id=hex_id,
            name=repr(name),
        )
    return Verifier(name, declared_id, Ed25519PublicKey.from_public_bytes(key[1:]))


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise MalformedNoteError(gettext_noop("note text must end with a newline"))
    if "\n\n" in text or text.startswith("\n"):
        raise MalformedNoteError(
            gettext_noop("note text must not contain a blank line")
        )
    if any(ord(char) < 0x20 and char != "\n" for char in text):
        raise MalformedNoteError(
            gettext_noop("note text must not contain control characters")
        )


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedNoteError(
            gettext_noop("a signature line must start with an em dash and a space")
        )
    fields = line[len(SIGNATURE_PREFIX) :].split(" ")
    if len(fields) != 2:
        raise MalformedNoteError(
            gettext_noop("a signature line has a key name and one base64 value")
        )
    name, encoded = fields
    _check_key_name(name)
    try:
        raw = decode_base64(encoded)
    except binascii.Error as error:
        raise MalformedNoteError(
            gettext_noop("signature of %(name)s is not valid base64"), name=repr(name)
        ) from error
    if len(raw) < 5:
        raise MalformedNoteError(
            gettext_noop("signature of %(name)s is shorter than a key id"),
            name=repr(name),
        )
    return NoteSignature(name, raw[:4], raw[4:])


def parse_note(message: str) -> Note:
    """Split a signed note into its text and its signature lines."""
    split = message.rfind("\n\n")
    if split < 0 or not message.endswith("\n"):
        raise MalformedNoteError(
            gettext_noop("a signed note has text, a blank line and signature lines")
        )
    text = message[: split + 1]
    _check_text(text)
    lines = message[split + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(
            gettext_noop("a note has at most %(max)s signatures"), max=MAX_SIGNATURES
        )
    signatures = tuple(_parse_signature_line(line) for line in lines)
    return Note(text, signatures)


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """Sign note text with one Ed25519 key and return the signed note."""
    _check_text(text)
    _check_key_name(name)
    signature = private_key.sign(text.encode())
    raw = key_id(name, public_key_bytes(private_key)) + signature
    return f"{text}\n{SIGNATURE_PREFIX}{name} {base64.b64encode(raw).decode()}\n"


def verify_note(message: str, *verifiers: Verifier) -> Note:
    """Verify a signed note against known keys and return it.

    Signatures by unknown keys are ignored. Raises BadSignatureError when a known key's
    signature does not verify, and UnverifiedNoteError when no known key signed the
    note.
    """
    note = parse_note(message)
    known = {(verifier.name, verifier.key_id): verifier for verifier in verifiers}
    verified = False
    for signature in note.signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        try:
            verifier.public_key.verify(signature.signature, note.text.encode())
        except InvalidSignature as error:
            raise BadSignatureError(
                gettext_noop("signature of %(name)s is invalid"),
                name=repr(signature.name),
            ) from error
        verified = True
    if not verified:
        raise UnverifiedNoteError(
            gettext_noop("no signature of the note is by a known key")
        )
    return note
