"""The signed and hashed forms of credit data: record documents and consent tokens.

A record document is the JSON whose canonical bytes (RFC 8785) the ledger entry of the
record covers by SHA-256. It names the subject by `subject_reference`, never by the ID
number or credit code.

A consent token is `<payload>.<kid>.<sig>`: the unpadded base64url of the canonical JSON
payload, the id of the centre's Ed25519 key, and the base64url Ed25519 signature over
the canonical payload (`core.signing.sign_document`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from onestop.core.canonical import NotCanonicalizable, canonical_json, sha256_hex
from onestop.core.signing import ED25519, b64url_decode, b64url_encode
from onestop.credit.errors import TokenMalformed

RECORD_TYPE = "onestop.credit-record/v1"
CONSENT_TYPE = "onestop.credit-consent/v1"
REPORT_TYPE = "onestop.credit-report/v1"
LEDGER_KIND = "credit.record"

# A token is about 600 characters, so a much longer value is not one.
MAX_TOKEN_LENGTH = 4096
ED25519_SIGNATURE_SIZE = 64
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_PAYLOAD_FIELDS: dict[str, type | tuple[type, ...]] = {
    "type": str,
    "centre": str,
    "subject": str,
    "subject_type": str,
    "recipient": dict,
    "purpose": str,
    "expires_at": str,
    "nonce": str,
    "single_use": bool,
}


def record_document(record: Any) -> dict[str, Any]:
    """Build the document of a credit record that its ledger entry covers."""
    return {
        "type": RECORD_TYPE,
        "id": record.pk,
        "centre": record.centre.region_code,
        "subject": {
            "type": record.subject_type,
            "reference": record.subject_reference,
        },
        "kind": record.kind,
        "action": record.action,
        "supersedes": record.supersedes_id,
        "department": {
            "uscc": record.department.uscc,
            "name": record.department.name,
        },
        "legal_basis": record.legal_basis,
        "facts": record.facts,
        "decided_on": _date(record.decided_on),
        "list_name": record.list_name,
        "listed_on": _date(record.listed_on),
        "delisted_on": _date(record.delisted_on),
        "case_number": record.case_number,
        "recorded_at": record.recorded_at.isoformat(timespec="microseconds"),
    }


def document_sha256(document: dict[str, Any]) -> str:
    """Return the hex SHA-256 of a document's canonical JSON."""
    return sha256_hex(canonical_json(document))


def ledger_body(record: Any, sha256: str, department_reference: str) -> dict[str, Any]:
    """Build the ledger entry body of a record: references, codes, dates and the hash.

    The department is named by a subject reference of its credit code, because an
    all-digit credit code looks like an ID number to the ledger's personal-data check.
    """
    return {
        "record": record.pk,
        "subject": record.subject_reference,
        "kind": record.kind,
        "action": record.action,
        "supersedes": record.supersedes_id,
        "department": department_reference,
        "decided_on": _date(record.decided_on),
        "listed_on": _date(record.listed_on),
        "delisted_on": _date(record.delisted_on),
        "record_sha256": sha256,
    }


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class ParsedToken:
    payload: dict[str, Any]
    signature: dict[str, str]


def encode_token(payload: dict[str, Any], signature: dict[str, str]) -> str:
    """Join a consent payload and its `sign_document` signature into a token."""
    encoded = b64url_encode(canonical_json(payload))
    return f"{encoded}.{signature['kid']}.{signature['sig']}"


def parse_token(token: Any) -> ParsedToken:
    """Split and decode a consent token without checking its signature.

    Raises TokenMalformed for a truncated, padded or otherwise malformed token.
    """
    if not isinstance(token, str) or not token:
        raise TokenMalformed(reason="the token is empty")
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenMalformed(reason=f"the token is longer than {MAX_TOKEN_LENGTH}")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise TokenMalformed(reason="a token has three parts separated by dots")
    encoded_payload, key_id, encoded_signature = parts

    if not _KEY_ID.fullmatch(key_id):
        raise TokenMalformed(reason="the key id is not 16 hexadecimal digits")
    payload = _decode_payload(encoded_payload)
    _check_signature_length(encoded_signature)
    signature = {"alg": ED25519, "kid": key_id, "sig": encoded_signature}
    return ParsedToken(payload=payload, signature=signature)


def _decode_payload(encoded: str) -> dict[str, Any]:
    try:
        data = b64url_decode(encoded)
        payload = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise TokenMalformed(reason="the payload is not base64url JSON") from error
    if not isinstance(payload, dict):
        raise TokenMalformed(reason="the payload is not a JSON object")
    try:
        if canonical_json(payload) != data:
            raise TokenMalformed(reason="the payload is not canonical JSON")
    except NotCanonicalizable as error:
        raise TokenMalformed(reason="the payload is not canonical JSON") from error

    for field, expected in _PAYLOAD_FIELDS.items():
        if not isinstance(payload.get(field), expected):
            raise TokenMalformed(reason=f"the payload field {field} is missing")
    if payload["type"] != CONSENT_TYPE:
        raise TokenMalformed(reason="the payload is not a credit consent")
    return payload


def _check_signature_length(encoded: str) -> None:
    try:
        raw = b64url_decode(encoded)
    except ValueError as error:
        raise TokenMalformed(reason="the signature is not base64url") from error
    if len(raw) != ED25519_SIGNATURE_SIZE:
        raise TokenMalformed(
            reason=f"the signature has {len(raw)} bytes, not {ED25519_SIGNATURE_SIZE}"
        )
