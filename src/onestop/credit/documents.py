"""The signed and hashed forms of credit data: record documents and consent tokens.

A record document is the JSON whose canonical bytes (RFC 8785) the ledger entry of the
record covers by SHA-256. It names the subject by `subject_reference`, never by the ID
number or credit code.

A consent token is `<payload>.<kid>.<sig>`: the unpadded base64url of the canonical JSON
payload, the id of the centre's Ed25519 key, and the base64url Ed25519 signature over
the canonical payload (`core.signing.sign_document`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from onestop.core import json_input
from onestop.core.canonical import NotCanonicalizable, canonical_json, sha256_hex
from onestop.core.errors import InvalidInput
from onestop.core.signing import ED25519, b64url_decode, b64url_encode
from onestop.credit.errors import TokenMalformed, TokenProblem

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
        raise TokenMalformed(TokenProblem.EMPTY)
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenMalformed(
            TokenProblem.TOO_LONG, length=len(token), max=MAX_TOKEN_LENGTH
        )
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise TokenMalformed(TokenProblem.PARTS, parts=len(parts))
    encoded_payload, key_id, encoded_signature = parts

    if not _KEY_ID.fullmatch(key_id):
        raise TokenMalformed(TokenProblem.KEY_ID)
    payload = _decode_payload(encoded_payload)
    _check_signature_length(encoded_signature)
    signature = {"alg": ED25519, "kid": key_id, "sig": encoded_signature}
    return ParsedToken(payload=payload, signature=signature)


def _decode_payload(encoded: str) -> dict[str, Any]:
    try:
        data = b64url_decode(encoded)
        payload = json_input.loads(data)
    except (ValueError, InvalidInput) as error:
        raise TokenMalformed(TokenProblem.PAYLOAD_ENCODING) from error
    if not isinstance(payload, dict):
        raise TokenMalformed(TokenProblem.PAYLOAD_NOT_OBJECT)
    try:
        if canonical_json(payload) != data:
            raise TokenMalformed(TokenProblem.PAYLOAD_NOT_CANONICAL)
    except NotCanonicalizable as error:
        raise TokenMalformed(TokenProblem.PAYLOAD_NOT_CANONICAL) from error

    for field, expected in _PAYLOAD_FIELDS.items():
        if not isinstance(payload.get(field), expected):
            raise TokenMalformed(TokenProblem.PAYLOAD_FIELD_INVALID, field=field)
    if payload["type"] != CONSENT_TYPE:
        raise TokenMalformed(TokenProblem.NOT_CONSENT)
    return payload


def _check_signature_length(encoded: str) -> None:
    try:
        raw = b64url_decode(encoded)
    except ValueError as error:
        raise TokenMalformed(TokenProblem.SIGNATURE_ENCODING) from error
    if len(raw) != ED25519_SIGNATURE_SIZE:
        raise TokenMalformed(
            TokenProblem.SIGNATURE_LENGTH,
            length=len(raw),
            expected=ED25519_SIGNATURE_SIZE,
        )
