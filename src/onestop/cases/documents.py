"""Documents OneStop issues for a case (receipts, notices, results), signed by the centre."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from onestop.cases.models import Case, CaseDocument, Submission
from onestop.core.canonical import canonical_json, sha256_hex
from onestop.core.ledger.actions import subject_reference
from onestop.core.signing import sign_document


def document_body(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Return the signed body of a document: ids, codes, dates and hashes of the case."""
    return {
        "kind": kind,
        "case_number": case.number,
        "centre": case.centre.region_code,
        "matter": case.matter.pack_id,
        "matter_version": case.matter_version.number,
        "department_uscc": case.department.uscc,
        # A keyed hash: a plain SHA-256 of an ID number is reversed by trying the
        # numbers of one region and birth date.
        "applicant_reference": subject_reference(case.person.id_number),
        "issued_at": timezone.now().isoformat(),
        **data,
    }


def create_document(case: Case, kind: str, data: dict[str, Any]) -> CaseDocument:
    """Create a document of `kind` for the case, signed with the centre's Ed25519 key."""
    body = document_body(case, kind, data)
    return CaseDocument.objects.create(
        centre=case.centre,
        case=case,
        kind=kind,
        data=body,
        signature=sign_document(case.centre, body),
    )


def case_snapshot_digest(case: Case, materials: list[Submission] | None = None) -> str:
    """Return the SHA-256 of the case's canonical snapshot, as recorded in the ledger.

    `materials` are the case's current (not superseded) submissions when the caller
    has them; otherwise they are read from the database.
    """
    pairs: Iterable[tuple[str, str]]
    if materials is None:
        pairs = case.submissions.filter(superseded=False).values_list(
            "material_key", "sha256"
        )
    else:
        pairs = [(s.material_key, s.sha256) for s in materials if not s.superseded]
    snapshot = {
        "number": case.number,
        "state": case.state,
        "matter": case.matter.pack_id,
        "matter_version": case.matter_version.number,
        "form_data": case.form_data,
        "materials": sorted(pairs),
    }
    return sha256_hex(canonical_json(snapshot))
