"""Credit reports (信用报告): a subject's records with offline ledger proofs, signed.

The report is `{"report": {...}, "signature": {"alg", "kid", "sig"}}`, signed by the
centre's Ed25519 key over the canonical JSON of "report". Each record carries its
document, the document's SHA-256 and a C2SP tlog-proof bundle of its ledger entry, so a
recipient can check it offline with `onestop credit verify-report`.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.core.ledger.bundle import proof_bundle, verify_proof_bundle
from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.errors import BundleInvalid
from onestop.core.ledger.models import LedgerEntry
from onestop.core.ledger.sequencer import checkpointed_entries
from onestop.core.logging import get_logger
from onestop.core.signing import sign_document
from onestop.credit.consents import use_consent
from onestop.credit.documents import REPORT_TYPE, document_sha256, record_document
from onestop.credit.errors import ProofInvalid
from onestop.credit.models import Consent, CreditRecord, RecordAction
from onestop.credit.subjects import Subject, masked_name_of

log = get_logger(__name__)

# Bounds the integration that one report request runs, at 1000 entries per batch.


def issue_credit_report(token: Any) -> dict[str, Any]:
    """Check a consent token, count its use and return the subject's signed report."""
    # NOTE: the use is committed before the report is built, so a report that fails
    # with ProofInvalid still consumes a single-use token.
    consent = use_consent(token)
    records = current_records(consent)
    entries = _ensure_checkpointed(records)
    vkey = get_vkey()

    items = [_report_item(record, entries[record.pk], vkey) for record in records]
    report = _report(consent, items, vkey)
    signature = sign_document(consent.centre, report)
    log.info(
        "credit.report_issued",
        consent_id=consent.pk,
        centre_id=consent.centre_id,
        records=len(items),
    )
    return {"report": report, "signature": signature}


def current_records(consent: Consent) -> list[CreditRecord]:
    """Return the latest record of each of the subject's chains that is not revoked.

    The report shows each fact in its current form: a corrected record only as its
    correction, and a revoked one (for example one recorded in error, 误录) not at all,
    as credit repair (信用修复) requires. The ledger keeps every record.
    """
    return list(
        CreditRecord.objects.for_centre(consent.centre)
        .filter(subject_reference=consent.subject_reference, superseded_by__isnull=True)
        .exclude(action=RecordAction.REVOKE)
        .select_related("centre", "department", "superseded_by")
        .order_by("pk")
    )


def _report(consent: Consent, items: list[dict[str, Any]], vkey: str) -> dict:
    subject = Subject(consent.subject_type, consent.subject_code)
    return {
        "type": REPORT_TYPE,
        "centre": {
            "region_code": consent.centre.region_code,
            "name": consent.centre.name,
        },
        "subject": {
            "type": subject.type,
            "reference": consent.subject_reference,
            "masked_code": subject.masked_code,
            "masked_name": masked_name_of(subject),
        },
        "consent": {
            "recipient": {
                "name": consent.recipient_name,
                "uscc": consent.recipient_uscc,
            },
            "purpose": consent.purpose,
            "expires_at": consent.expires_at.isoformat(),
            "use": consent.use_count,
        },
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "vkey": vkey,
        "records": items,
    }


def _report_item(record: CreditRecord, entry: LedgerEntry, vkey: str) -> dict:
    document = record_document(record)
    sha256 = document_sha256(document)
    if sha256 != record.sha256:
        _raise_invalid(
            record, _("the record differs from the hash it was recorded with")
        )

    bundle = proof_bundle(entry)
    try:
        verified = verify_proof_bundle(bundle, vkey, data=bytes(entry.data))
    except BundleInvalid as error:
        _raise_invalid(record, error.render())
    if verified.document["body"].get("record_sha256") != sha256:
        _raise_invalid(record, _("the ledger entry holds another hash"))

    successor = getattr(record, "superseded_by", None)
    return {
        "document": document,
        "sha256": sha256,
        "superseded_by": successor.pk if successor else None,
        "ledger_index": entry.index,
        "proof": bundle,
    }


def _raise_invalid(record: CreditRecord, reason: str) -> None:
    log.error("credit.proof_invalid", credit_record_id=record.pk, reason=reason)
    raise ProofInvalid(record_id=record.pk, reason=reason)


def _ensure_checkpointed(records: list[CreditRecord]) -> dict[int, LedgerEntry]:
    """Integrate and checkpoint the records' entries if needed.

    Returns the entries by record id.
    """
    entry_ids = [record.ledger_entry_id for record in records if record.ledger_entry_id]
    fresh = checkpointed_entries(entry_ids)
    if fresh is None:
        raise ProofInvalid(record_id="", reason="the ledger has not integrated it yet")
    return {
        record.pk: fresh[entry_id]
        for record, entry_id in zip(records, entry_ids, strict=True)
    }


def report_text(signed: dict[str, Any]) -> str:
    """Serialise a signed report as the UTF-8 JSON text a recipient saves."""
    return json.dumps(signed, ensure_ascii=False, indent=2) + "\n"
