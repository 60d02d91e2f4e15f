"""Signatures of departments: Ed25519 or HMAC-SHA256 over canonical JSON.

A department signs each callback document, and each pull request, with the key its
admin configured in OneStop. The signature object has the same shape as the centre's
(`core.signing.sign_document`): {"alg", "kid", "sig"}, where "sig" is unpadded base64url
and "alg" is "ed25519" or "hmac-sha256". OneStop checks "alg" against the configured
algorithm, so a department configured for Ed25519 cannot switch to HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onestop.core.canonical import NotCanonicalizable, canonical_json, sha256_hex
from onestop.core.signing import (
    ED25519,
    b64url_decode,
    b64url_encode,
    key_id_for,
    verify_signature,
)
from onestop.exchange.models import ConnectorConfig, KeyAlgorithm

HMAC_SHA256 = KeyAlgorithm.HMAC_SHA256.value


def hmac_key_id(secret: str) -> str:
    """Return the key id of an HMAC secret: 16 hex digits of a labelled SHA-256."""
    return sha256_hex(b"onestop.exchange.hmac-key-id:" + secret.encode())[:16]


def department_key_id(config: ConnectorConfig) -> str:
    """Return the key id that the department's signatures must name."""
    if config.key_algorithm == HMAC_SHA256:
        return hmac_key_id(config.hmac_secret)
    return key_id_for(b64url_decode(config.public_key))


def sign_as_department(
    document: Any, *, private_key: bytes | None = None, secret: str | None = None
) -> dict[str, str]:
    """Sign a document as a department system would, with an Ed25519 key or an HMAC secret.

    OneStop never stores a department's private key: the simulator and tests use this.
    """
    data = canonical_json(document)
    if secret is not None:
        digest = hmac.new(secret.encode(), data, hashlib.sha256).digest()
        return {
            "alg": HMAC_SHA256,
            "kid": hmac_key_id(secret),
            "sig": b64url_encode(digest),
        }
    if private_key is None:
        raise ValueError("pass private_key or secret")
    signer = Ed25519PrivateKey.from_private_bytes(private_key)
    public_key = signer.public_key().public_bytes_raw()
    return {
        "alg": ED25519,
        "kid": key_id_for(public_key),
        "sig": b64url_encode(signer.sign(data)),
    }


def verify_department_signature(
    config: ConnectorConfig, document: Any, signature: Any
) -> bool:
    """Check a department's signature over the canonical JSON of `document`."""
    if not isinstance(signature, dict):
        return False
    algorithm, key_id, encoded = (signature.get(k) for k in ("alg", "kid", "sig"))
    if algorithm != config.key_algorithm or not isinstance(encoded, str):
        return False
    try:
        if key_id != department_key_id(config):
            return False
        data = canonical_json(document)
        raw_signature = b64url_decode(encoded)
    except (ValueError, NotCanonicalizable):
        return False
    if algorithm == HMAC_SHA256:
        expected = hmac.new(config.hmac_secret.encode(), data, hashlib.sha256).digest()
        return bool(config.hmac_secret) and hmac.compare_digest(expected, raw_signature)
    return verify_signature(
        ED25519, b64url_decode(config.public_key), data, raw_signature
    )


def request_document(
    method: str, path: str, timestamp: str, body: bytes
) -> dict[str, str]:
    """Build the document a department signs to authenticate one pull request."""
    return {
        "method": method.upper(),
        "path": path,
        "timestamp": timestamp,
        "body_sha256": sha256_hex(body),
    }
