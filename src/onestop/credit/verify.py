"""Offline verification of a saved credit report, with no database.

A verifier needs the report, the centre's published keys (the JSON of
/.well-known/onestop-keys.json) and the ledger's vkey. It checks the report signature,
every proof bundle against the vkey, and that every record's SHA-256 equals the hash in
its ledger entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from onestop.core.canonical import NotCanonicalizable
from onestop.core.ledger.bundle import verify_proof_bundle
from onestop.core.ledger.errors import BundleInvalid
from onestop.core.ledger.note import NoteError, parse_vkey
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
        check.findings.append(_report(_("the file holds no signed credit report")))
        return check
    report = signed["report"]

    _check_signature(report, signed.get("signature"), public_keys, check)
    if report.get("type") != REPORT_TYPE:
        check.findings.append(
            _report(_("the type is not %(type)s") % {"type": REPORT_TYPE})
        )
    vkey_valid = _check_vkey(report, vkey, check)

    subject = (report.get("subject") or {}).get("reference")
    records = report.get("records")
    if not isinstance(records, list):
        check.findings.append(_report(_("the records list is missing")))
        return check
    for position, item in enumerate(records):
        _check_record(position, item, subject, vkey if vkey_valid else None, check)
        check.records_checked += 1
    return check


def _report(finding: str) -> str:
    return _("report: %(finding)s") % {"finding": finding}


def _check_vkey(report: dict[str, Any], vkey: str, check: ReportCheck) -> bool:
    """Report a malformed or different vkey once; return whether bundles can be checked.

    With a malformed vkey no proof bundle can be verified, so the records' bundles are
    not checked rather than each reported with the same key error.
    """
    try:
        parse_vkey(vkey)
    except NoteError as error:
        check.findings.append(
            _report(
                _("the given vkey %(vkey)s is invalid (%(reason)s)")
                % {"vkey": vkey[:80], "reason": error.render()}
            )
        )
        return False
    if report.get("vkey") != vkey:
        check.findings.append(_report(_("its vkey differs from the given vkey")))
    return True


def _check_signature(
    report: dict[str, Any],
    signature: Any,
    public_keys: dict[str, Any],
    check: ReportCheck,
) -> None:
    if not isinstance(signature, dict):
        check.findings.append(_report(_("the signature is missing")))
        return
    if not verify_document(report, signature, public_keys):
        check.findings.append(
            _report(_("the signature does not verify against the published keys"))
        )
        return

    centre = (report.get("centre") or {}).get("region_code")
    key_centres = {
        entry.get("kid"): entry.get("centre") for entry in public_keys.get("keys", [])
    }
    if key_centres and key_centres.get(signature.get("kid")) != centre:
        check.findings.append(
            _report(
                _("the signing key is not a key of the centre %(centre)s")
                % {"centre": centre}
            )
        )


def _check_record(
    position: int, item: Any, subject: Any, vkey: str | None, check: ReportCheck
) -> None:
    """Check one record, and its proof bundle unless `vkey` is None."""

    def add(finding: str) -> None:
        check.findings.append(
            _("record %(position)s: %(finding)s")
            % {"position": position, "finding": finding}
        )

    if not isinstance(item, dict) or not isinstance(item.get("document"), dict):
        add(_("the record document is missing"))
        return
    document = item["document"]
    try:
        sha256 = document_sha256(document)
    except NotCanonicalizable:
        add(_("the document is not canonical JSON"))
        return
    if item.get("sha256") != sha256:
        add(_("the document does not match its sha256"))
    if (document.get("subject") or {}).get("reference") != subject:
        add(_("the record is about another subject"))
    if vkey is None:
        return

    try:
        verified = verify_proof_bundle(str(item.get("proof", "")), vkey)
    except BundleInvalid as error:
        add(_("the proof bundle is invalid: %(reason)s") % {"reason": error.render()})
        return
    _check_entry(add, verified.document, document, sha256, subject)


def _check_entry(
    add: Callable[[str], None],
    entry: Any,
    document: dict[str, Any],
    sha256: str,
    subject: Any,
) -> None:
    body = entry.get("body") if isinstance(entry, dict) else None
    if not isinstance(body, dict) or entry.get("kind") != LEDGER_KIND:
        add(_("the ledger entry is not a credit record"))
        return
    if body.get("record_sha256") != sha256:
        add(_("the document's sha256 differs from its ledger entry"))
    if body.get("record") != document.get("id"):
        add(_("the ledger entry names another record"))
    if body.get("subject") != subject:
        add(_("the ledger entry names another subject"))
