"""Signing keys of centres, signatures over canonical JSON, and the published key set.

Two algorithms share one interface:

- "ed25519" (RFC 8032) through `cryptography`. Public key: the 32 raw bytes. Signature:
  64 bytes.
- "sm2": SM2 with SM3 (GB/T 32918, GB/T 35276) through `gmssl`, with the default user
  ID 1234567812345678. Public key: the 65-byte uncompressed point 04 || x || y.
  Signature: the DER `SEQUENCE { r INTEGER, s INTEGER }` of GB/T 35276. The nonce k
  comes from `secrets`.

A key id is the hexadecimal form of the first 8 bytes of SHA-256 over the public key
bytes above (16 characters), for both algorithms.

Private keys are stored in `SigningKey.private_key_encrypted` as AES-256-GCM ciphertext
under a key derived with HKDF-SHA256 from `settings.SECRET_KEY`. Keys encrypted under an
older secret still open while that secret is listed in `settings.SECRET_KEY_FALLBACKS`.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from Cryptodome.Util.asn1 import DerSequence
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from gmssl.sm2 import CryptSM2, default_ecc_table

from onestop.core.audit import record_event
from onestop.core.canonical import NotCanonicalizable, canonical_json, sha256_hex
from onestop.core.dates import api_iso
from onestop.core.errors import InvalidInput, OneStopError
from onestop.core.logging import get_logger
from onestop.core.models import Centre, SigningKey

log = get_logger(__name__)

ED25519 = "ed25519"
SM2 = "sm2"
ALGORITHMS = (ED25519, SM2)

_SM2_N = int(default_ecc_table["n"], 16)
_SM2_P = int(default_ecc_table["p"], 16)
_SM2_A = int(default_ecc_table["a"], 16)
_SM2_B = int(default_ecc_table["b"], 16)
_SM2_SIGN_ATTEMPTS = 8

_WRAP_FORMAT = (
    b"\x01"  # version byte of the stored ciphertext: 1 = AES-256-GCM, 12-byte nonce
)
_WRAP_SALT = b"onestop.core.signing"
_WRAP_INFO = b"private key wrapping, AES-256-GCM, version 1"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class UnknownAlgorithm(InvalidInput):
    code = "signing.unknown_algorithm"
    message = _(
        "The signature algorithm %(algorithm)s is not supported. Use ed25519 or sm2."
    )


class SigningKeyUnavailable(OneStopError):
    code = "signing.key_unavailable"
    status = 500
    message = _(
        "The private key %(key_id)s cannot be decrypted with the deployment's secret "
        "key. Restore the secret key it was created under (ONESTOP_SECRET_KEY), or "
        "list that key in SECRET_KEY_FALLBACKS."
    )


@dataclass(frozen=True)
class PublicKey:
    """A public key as the verifier needs it: its algorithm and its raw bytes."""

    algorithm: str
    key: bytes


class Signer:
    """The private half of one stored signing key, able to sign bytes."""

    def __init__(self, record: SigningKey, private_key: bytes) -> None:
        self.algorithm: str = record.algorithm
        self.key_id: str = record.key_id
        self.public_key_bytes: bytes = bytes(record.public_key)
        self._private_key = private_key

    def sign(self, data: bytes) -> bytes:
        """Sign `data` and return the signature in the algorithm's encoding."""
        if self.algorithm == ED25519:
            return Ed25519PrivateKey.from_private_bytes(self._private_key).sign(data)
        return _sm2_sign(self._private_key, self.public_key_bytes, data)

    def __repr__(self) -> str:
        return f"<Signer {self.algorithm} {self.key_id}>"


def get_signer(centre: Centre | None, algorithm: str = ED25519) -> Signer:
    """Return a signer for the centre's current key, creating the key on first use.

    The key is created in the caller's transaction, so it disappears with a rollback.
    `centre=None` selects the deployment's own key.
    """
    _check_algorithm(algorithm)
    record = (
        SigningKey.objects.filter(
            centre=centre, algorithm=algorithm, retired_at__isnull=True
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if record is None:
        record = _create_key(centre, algorithm)
    return Signer(record, _unwrap(record))


def retire_signing_key(
    centre: Centre | None, algorithm: str = ED25519, *, actor: Any
) -> int:
    """Retire the centre's current keys of an algorithm and return how many there were.

    The next `get_signer` call creates a new key.

    Retired keys stay published, so documents signed with them still verify. The caller
    checks that `actor` may rotate the centre's keys.
    """
    _check_algorithm(algorithm)
    with transaction.atomic():
        current = list(
            SigningKey.objects.select_for_update().filter(
                centre=centre, algorithm=algorithm, retired_at__isnull=True
            )
        )
        now = timezone.now()
        for record in current:
            record.retired_at = now
            record.save(update_fields=["retired_at"])
            record_event(
                actor=actor,
                actor_role="centre_admin" if actor else "system",
                verb="signing_key.retired",
                object_type="signing_key",
                object_id=record.key_id,
                centre=centre,
                data={"algorithm": algorithm},
            )
            log.info("signing_key.retired", key_id=record.key_id, algorithm=algorithm)
    return len(current)


def verify_signature(
    algorithm: str, public_key: bytes, data: bytes, signature: bytes
) -> bool:
    """Check a signature. Return False for a wrong one and for any malformed input."""
    try:
        if algorithm == ED25519:
            Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
            return True
        if algorithm == SM2:
            return _sm2_verify(public_key, data, signature)
    except (InvalidSignature, ValueError, TypeError, IndexError, AttributeError):
        return False
    return False


def sign_document(
    centre: Centre | None, document: Any, algorithm: str = ED25519
) -> dict[str, str]:
    """Sign the canonical JSON of a document with the centre's current key.

    Return {"alg", "kid", "sig"}, where "sig" is the unpadded base64url signature.
    """
    signer = get_signer(centre, algorithm)
    signature = signer.sign(canonical_json(document))
    return {
        "alg": signer.algorithm,
        "kid": signer.key_id,
        "sig": b64url_encode(signature),
    }


def verify_document(
    document: Any,
    signature: Mapping[str, Any],
    public_keys: Mapping[str, PublicKey] | Mapping[str, Any],
) -> bool:
    """Check a signature from `sign_document` against a set of public keys.

    `public_keys` maps key ids to `PublicKey`, or is the dict that `published_keys`
    returns. Return False when the key id is unknown, the algorithm of the signature
    differs from the key's, or anything is malformed.
    """
    try:
        keys = _key_map(public_keys)
        key = keys.get(signature["kid"])
        if key is None or key.algorithm != signature["alg"]:
            return False
        data = canonical_json(document)
        raw_signature = b64url_decode(signature["sig"])
    except (KeyError, TypeError, ValueError, AttributeError, NotCanonicalizable):
        return False
    return verify_signature(key.algorithm, key.key, data, raw_signature)


def public_keys_for(centre: Centre | None = None) -> dict[str, PublicKey]:
    """Return every key of a centre (all centres when None), retired ones included.

    Retired keys stay here because documents signed before the retirement still verify.
    """
    return {record.key_id: _public_key(record) for record in _key_records(centre)}


def published_keys(centre: Centre | None = None) -> dict[str, list[dict[str, Any]]]:
    """Build the public key set served at /.well-known/onestop-keys.json.

    Each entry has "kid", "alg", "public_key" (unpadded base64url of the bytes
    described in this module's docstring), "centre" (its region code, or None for the
    deployment's own keys), "created" and "retired" (as the API writes times, or None).
    `centre=None` lists every key.
    """
    keys = [
        {
            "kid": record.key_id,
            "alg": record.algorithm,
            "public_key": b64url_encode(bytes(record.public_key)),
            "centre": record.centre.region_code if record.centre else None,
            "created": api_iso(record.created_at),
            "retired": api_iso(record.retired_at),
        }
        for record in _key_records(centre).select_related("centre")
    ]
    return {"keys": keys}


def key_id_for(public_key: bytes) -> str:
    """Return the key id of a public key: the first 8 bytes of its SHA-256, in hex."""
    return sha256_hex(public_key)[:16]


def b64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding (RFC 4648 section 5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url. Raise ValueError on characters outside it."""
    if not isinstance(text, str) or not _BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError("not base64url") from error


def _check_algorithm(algorithm: str) -> None:
    if algorithm not in ALGORITHMS:
        raise UnknownAlgorithm(algorithm=algorithm)


def _key_records(centre: Centre | None):
    records = SigningKey.objects.order_by("created_at", "key_id")
    if centre is not None:
        records = records.filter(centre=centre)
    return records


def _public_key(record: SigningKey) -> PublicKey:
    return PublicKey(record.algorithm, bytes(record.public_key))


def _key_map(public_keys: Mapping[str, Any]) -> dict[str, PublicKey]:
    if "keys" not in public_keys:
        return dict(public_keys)
    return {
        entry["kid"]: PublicKey(entry["alg"], b64url_decode(entry["public_key"]))
        for entry in public_keys["keys"]
    }


def _create_key(centre: Centre | None, algorithm: str) -> SigningKey:
    if algorithm == ED25519:
        private_key, public_key = _ed25519_generate()
    else:
        private_key, public_key = _sm2_generate()
    key_id = key_id_for(public_key)

    with transaction.atomic():
        record = SigningKey.objects.create(
            centre=centre,
            algorithm=algorithm,
            key_id=key_id,
            public_key=public_key,
            private_key_encrypted=_wrap(private_key, algorithm, key_id),
        )
        record_event(
            actor=None,
            actor_role="system",
            verb="signing_key.created",
            object_type="signing_key",
            object_id=key_id,
            centre=centre,
            data={"algorithm": algorithm},
        )

    log.info(
        "signing_key.created",
        key_id=key_id,
        algorithm=algorithm,
        centre_id=centre.pk if centre else None,
    )
    return record


def _wrapping_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_WRAP_SALT, info=_WRAP_INFO)
    return hkdf.derive(secret.encode("utf-8"))


def _associated_data(algorithm: str, key_id: str) -> bytes:
    # Binds the ciphertext to its row: a key copied to another row fails to open.
    return f"{algorithm}:{key_id}".encode("ascii")


def _wrap(private_key: bytes, algorithm: str, key_id: str) -> bytes:
    return encrypt_private_key(
        private_key, associated_data=_associated_data(algorithm, key_id)
    )


def _unwrap(record: SigningKey) -> bytes:
    associated_data = _associated_data(record.algorithm, record.key_id)
    try:
        return decrypt_private_key(
            bytes(record.private_key_encrypted), associated_data=associated_data
        )
    except PrivateKeyUndecryptable:
        log.error("signing_key.unwrap_failed", key_id=record.key_id)
        raise SigningKeyUnavailable(key_id=record.key_id) from None


class SecretKeyMissing(OneStopError):
    code = "signing.secret_key_missing"
    status = 500
    message = _(
        "The secret key is not set: ONESTOP_SECRET_KEY is empty and %(path)s does not "
        "exist, although the database does. The database's private keys are encrypted "
        "under the secret key they were created with, so a new one cannot open them. "
        "Restore %(path)s from the backup of this database, or set ONESTOP_SECRET_KEY "
        "to that key."
    )


class ServerSecretKeyMissing(SecretKeyMissing):
    message = _(
        "The secret key is not set: ONESTOP_SECRET_KEY is empty, and OneStop generates "
        "no key for a database named by DATABASE_URL, because a new key would end every "
        "session and leave the database's encrypted private keys unreadable. Set "
        "ONESTOP_SECRET_KEY to the key this database was created under, or to a new "
        "random value of at least 50 characters for a new database."
    )


def secret_key() -> str:
    """Return `settings.SECRET_KEY`, or raise SecretKeyMissing when it is empty."""
    try:
        return str(settings.SECRET_KEY)
    except ImproperlyConfigured:
        raise secret_key_missing() from None


def secret_key_missing() -> SecretKeyMissing:
    """Return the error that names the variable or file that supplies the missing key."""
    if getattr(settings, "ONESTOP_SERVER_DATABASE", False):
        return ServerSecretKeyMissing()
    return SecretKeyMissing(path=str(settings.VAR_DIR / "secret_key"))


def secret_key_missing_line() -> str | None:
    """Return the one-line message of SecretKeyMissing, with its code, when the secret
    key is empty, else None. Commands and the WSGI application print it instead of
    Django's traceback of an empty SECRET_KEY."""
    if has_secret_key():
        return None
    error = secret_key_missing()
    return f"{error.code}: {error.render_for_command()}"


def has_secret_key() -> bool:
    """Return whether `settings.SECRET_KEY` is set, which Django checks on each read."""
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:
        return False


class PrivateKeyUndecryptable(ValueError):
    """No current or fallback secret key opens a stored private key."""


def encrypt_private_key(private_key: bytes, *, associated_data: bytes) -> bytes:
    """Encrypt a private key for storage with AES-256-GCM under `settings.SECRET_KEY`.

    The AES key is derived with HKDF-SHA256. `associated_data` binds the ciphertext to
    its row (for example the algorithm and key id), so a copy in another row fails to
    open. The result is a version byte, the 12-byte nonce and the ciphertext.
    """
    nonce = secrets.token_bytes(12)
    aead = AESGCM(_wrapping_key(secret_key()))
    return _WRAP_FORMAT + nonce + aead.encrypt(nonce, private_key, associated_data)


def decrypt_private_key(blob: bytes, *, associated_data: bytes) -> bytes:
    """Decrypt a key from `encrypt_private_key` with the current or a fallback secret.

    Tries `settings.SECRET_KEY`, then each of `settings.SECRET_KEY_FALLBACKS`. Raises
    PrivateKeyUndecryptable when none opens it or the format byte is unknown.
    """
    nonce, ciphertext = blob[1:13], blob[13:]
    secrets_to_try = [
        secret_key(),
        *getattr(settings, "SECRET_KEY_FALLBACKS", []),
    ]

    if blob[:1] == _WRAP_FORMAT:
        for secret in secrets_to_try:
            try:
                return AESGCM(_wrapping_key(secret)).decrypt(
                    nonce, ciphertext, associated_data
                )
            except InvalidTag:
                continue
    raise PrivateKeyUndecryptable("no secret key opens the stored private key")


def _ed25519_generate() -> tuple[bytes, bytes]:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private.private_bytes_raw(), public


# SM2 through gmssl 3.2.2, whose CryptSM2 takes hexadecimal strings. Two of its
# defaults are unsafe, so this module bypasses them. Without a nonce, `sign_with_sm3`
# draws k from `random` (Mersenne Twister). The constructor strips every leading "0"
# and "4" from the public key, which corrupts a key whose x starts with those digits.


def _sm2_engine(private_key: bytes | None, public_key: bytes) -> CryptSM2:
    engine = CryptSM2(
        private_key=private_key.hex() if private_key else "", public_key=""
    )
    engine.public_key = public_key[1:].hex()
    return engine


def _sm2_generate() -> tuple[bytes, bytes]:
    d = secrets.randbelow(_SM2_N - 2) + 1  # d + 1 must be invertible mod n
    engine = CryptSM2(private_key="", public_key="")
    point = engine._kg(d, default_ecc_table["g"])
    return d.to_bytes(32, "big"), b"\x04" + bytes.fromhex(point)


def _sm2_sign(private_key: bytes, public_key: bytes, data: bytes) -> bytes:
    engine = _sm2_engine(private_key, public_key)
    for _attempt in range(_SM2_SIGN_ATTEMPTS):
        nonce = f"{secrets.randbelow(_SM2_N - 1) + 1:064x}"
        raw = engine.sign_with_sm3(data, nonce)
        if raw is not None:  # None when r = 0, r + k = n or s = 0: draw another k
            r, s = int(raw[:64], 16), int(raw[64:], 16)
            return DerSequence([r, s]).encode()
    raise RuntimeError("SM2 signing drew a degenerate nonce too many times")


def _sm2_verify(public_key: bytes, data: bytes, signature: bytes) -> bool:
    if not _sm2_point_is_valid(public_key):
        return False
    parsed = _sm2_parse_signature(signature)
    if parsed is None:
        return False
    r, s = parsed
    engine = _sm2_engine(None, public_key)
    return bool(engine.verify_with_sm3(f"{r:064x}{s:064x}", data))


def _sm2_point_is_valid(public_key: bytes) -> bool:
    if not isinstance(public_key, bytes) or len(public_key) != 65 or public_key[0] != 4:
        return False
    x = int.from_bytes(public_key[1:33], "big")
    y = int.from_bytes(public_key[33:], "big")
    if x >= _SM2_P or y >= _SM2_P:
        return False
    return (y * y - (x * x * x + _SM2_A * x + _SM2_B)) % _SM2_P == 0


def _sm2_parse_signature(signature: bytes) -> tuple[int, int] | None:
    # Accept only the canonical DER encoding, so one signature has one byte form.
    sequence = DerSequence()
    sequence.decode(bytes(signature), nr_elements=2, only_ints_expected=True)
    r, s = sequence[0], sequence[1]
    if not (isinstance(r, int) and isinstance(s, int)):
        return None
    if not (0 < r < _SM2_N and 0 < s < _SM2_N):
        return None
    if DerSequence([r, s]).encode() != bytes(signature):
        return None
    return r, s
