"""Offline verification of a saved credit report, with no database.

A verifier needs the report, the centre's published keys (the JSON of
/.well-known/onestop-keys.json) and the ledger's vkey. It checks the report signature,
every proof bundle against the vkey, and that every record's SHA-256 equals the hash in
its ledger entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from onestop.core.canonical import NotCanonicalizable
from onestop.core.ledger.bundle import verify_proof_bundle
from onestop.core.ledger.errors import BundleInvalid
from onestop.core.signing import verify_document
from onestop.credit.documents import LEDGER_KIND, REPORT_TYPE, document_sha256


@dataclass
class ReportCheck:
    """The findings of one report check. The report verifies when there are none."""

    records_checked: int = 0
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def verify_report(
    signed: Any, *, public_keys: dict[str, Any], vkey: str
) -> ReportCheck:
    """Check a signed report against published keys and the ledger vkey."""
    check = ReportCheck()
    if not isinstance(signed, dict) or not isinstance(signed.get("report"), dict):
        check.findings.append("report: the file holds no signed credit report")
        return check
    report = signed["report"]

    _check_signature(report, signed.get("signature"), public_keys, check)
    if report.get("type") != REPORT_TYPE:
        check.findings.append(f"report: the type is not {REPORT_TYPE}")
    if report.get("vkey") != vkey:
        check.findings.append("report: its vkey differs from the given vkey")

    subject = (report.get("subject") or {}).get("reference")
    records = report.get("records")
    if not isinstance(records, list):
        check.findings.append("report: the records list is missing")
        return check
    for position, item in enumerate(records):
        _check_record(position, item, subject, vkey, check)
        check.records_checked += 1
    return check


def _check_signature(
    report: dict[str, Any],
    signature: Any,
    public_keys: dict[str, Any],
    check: ReportCheck,
) -> None:
    if not isinstance(signature, dict):
        check.findings.append("report: the signature is missing")
        return
    if not verify_document(report, signature, public_keys):
        check.findings.append(
            "report: the signature does not verify against the published keys"
        )
        return

    centre = (report.get("centre") or {}).get("region_code")
    key_centres = {
        entry.get("kid"): entry.get("centre") for entry in public_keys.get("keys", [])
    }
    if key_centres and key_centres.get(signature.get("kid")) != centre:
        check.findings.append(
            f"report: the signing key is not a key of the centre {centre}"
        )


def _check_record(
    position: int, item: Any, subject: Any, vkey: str, check: ReportCheck
) -> None:
    where = f"record {position}"
    if not isinstance(item, dict) or not isinstance(item.get("document"), dict):
        check.findings.append(f"{where}: the record document is missing")
        return
    document = item["document"]
    try:
        sha256 = document_sha256(document)
    except NotCanonicalizable:
        check.findings.append(f"{where}: the document is not canonical JSON")
        return
    if item.get("sha256") != sha256:
        check.findings.append(f"{where}: the document does not match its sha256")
    if (document.get("subject") or {}).get("reference") != subject:
        check.findings.append(f"{where}: the record is about another subject")

    try:
        verified = verify_proof_bundle(str(item.get("proof", "")), vkey)
    except BundleInvalid as error:
        check.findings.append(f"{where}: the proof bundle is invalid: {error.render()}")
        return
    _check_entry(where, verified.document, document, sha256, subject, check)


def _check_entry(
    where: str,
    entry: Any,
    document: dict[str, Any],
    sha256: str,
    subject: Any,
    check: ReportCheck,
) -> None:
    body = entry.get("body") if isinstance(entry, dict) else None
    if not isinstance(body, dict) or entry.get("kind") != LEDGER_KIND:
        check.findings.append(f"{where}: the ledger entry is not a credit record")
        return
    if body.get("record_sha256") != sha256:
        check.findings.append(
            f"{where}: the document's sha256 differs from its ledger entry"
        )
    if body.get("record") != document.get("id"):
        check.findings.append(f"{where}: the ledger entry names another record")
    if body.get("subject") != subject:
        check.findings.append(f"{where}: the ledger entry names another subject")
