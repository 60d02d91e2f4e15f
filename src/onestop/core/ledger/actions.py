"""Writes into the ledger from other apps: queue an entry in the caller's transaction.

An entry contains ids, codes, states, times and hashes. A person or an enterprise is
named by `subject_reference(code)`, an HMAC of the ID number or credit code, never by
the code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from django.conf import settings
from django.utils import timezone

from onestop.core.bulk import insert_instances
from onestop.core.canonical import canonical_json
from onestop.core.ledger.errors import BodyInvalid, KindInvalid, PersonalDataInEntry
from onestop.core.ledger.models import LedgerEntry
from onestop.core.logging import mask_personal_text
from onestop.core.signing import secret_key

_KIND = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_SUBJECT_KEY_LABEL = b"onestop.ledger.subject-reference"
# Hex digests and UUIDs can contain 11 digits in a row between letters, and the mobile
# number pattern matches those. They are never personal data, so they are not checked.
_DIGEST_OR_UUID = re.compile(
    r"[0-9a-f]{64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def _subject_key() -> bytes:
    configured = getattr(settings, "ONESTOP_LEDGER_SUBJECT_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(secret_key().encode(), _SUBJECT_KEY_LABEL, hashlib.sha256).digest()


def subject_reference(code: str) -> str:
    """Return the ledger's reference to a subject: HMAC-SHA256 of its code, in hex.

    The key is `ONESTOP_LEDGER_SUBJECT_KEY`, or one derived from the secret key when
    that is unset. A new key breaks the link between old entries and their subjects.
    """
    normalised = code.strip().upper().encode()
    return hmac.new(_subject_key(), normalised, hashlib.sha256).hexdigest()


def _check_no_personal_data(value: Any, path: str) -> None:
    # NOTE: the patterns of core.logging also match other strings of 13 to 18 digits and
    # 11-digit numbers starting 13-19, such as an all-digit credit code. Pass those
    # through subject_reference() too.
    if isinstance(value, str) and _DIGEST_OR_UUID.fullmatch(value):
        return
    if isinstance(value, str) and mask_personal_text(value) != value:
        raise PersonalDataInEntry(field=path)
    if isinstance(value, dict):
        for key, item in value.items():
            _check_no_personal_data(str(key), f"{path}.{key}")
            _check_no_personal_data(item, f"{path}.{key}")
    if isinstance(value, list | tuple):
        for position, item in enumerate(value):
            _check_no_personal_data(item, f"{path}[{position}]")


def _centre_id(centre: Any) -> int | None:
    if centre is None or isinstance(centre, int):
        return centre
    return centre.pk


def queue_entry(kind: str, body: dict[str, Any], *, centre: Any = None) -> LedgerEntry:
    """Insert a pending ledger entry in the caller's transaction.

    The sequencer gives it an index later. The canonical JSON that the leaf hash covers
    is {"body", "centre", "kind", "queued_at"}. Raises KindInvalid, BodyInvalid,
    PersonalDataInEntry or NotCanonicalizable.
    """
    if not isinstance(kind, str) or len(kind) > 80 or not _KIND.fullmatch(kind):
        raise KindInvalid(kind=kind)
    if not isinstance(body, dict):
        raise BodyInvalid(type=type(body).__name__)
    _check_no_personal_data(body, "body")

    queued_at = timezone.now()
    centre_id = _centre_id(centre)
    document = {
        "kind": kind,
        "centre": centre_id,
        "queued_at": queued_at.isoformat(timespec="microseconds"),
        "body": body,
    }
    data = canonical_json(document)
    entry = LedgerEntry(kind=kind, centre_id=centre_id, data=data, queued_at=queued_at)
    insert_instances([entry])
    return entry
