"""The acceptance receipt (受理回执): queued with the acceptance, signed by the worker.

An acceptance writes one outbox message of `RECEIPT_TOPIC` in the case's transaction, with
the receipt's content fixed at that moment. The outbox worker then signs the receipt and
notifies the applicant (`actions.issue_acceptance_receipt`), so the clerk's request does
not wait for either. If the process stops between the commit and the worker, the
message is still there and the next worker issues the receipt. Until then, pages and
the API show the receipt as pending.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from onestop.cases.models import Case, CaseDocument, Submission
from onestop.core import outbox

RECEIPT_TOPIC = "cases.acceptance_receipt"
# The seconds a client should wait before it requests a pending receipt again. The
# worker polls the outbox every second.
RETRY_AFTER_SECONDS = 2

ISSUED = "issued"
PENDING = "pending"
# The extra tag of the message "Accepted; the receipt is being prepared.", whose banner
# the case page replaces when the receipt is ready (cases/_receipt_banner.html).
RECEIPT_BANNER_TAG = "receipt-pending"


def receipt_message(case: Case, submissions: list[Submission]) -> outbox.Message:
    """Return the outbox message that makes the receipt of a case accepted just now.

    The message carries the receipt's content (acceptance time, due dates and the
    materials received), so the signed receipt states the acceptance as it was even
    if the case changes before the worker runs.
    """
    if case.accepted_at is None:
        raise ValueError(f"case {case.pk} is not accepted, so it gets no receipt")
    content = {
        "accepted_at": case.accepted_at.isoformat(),
        "promised_due": _iso_date(case.promised_due),
        "statutory_due": _iso_date(case.statutory_due),
        "materials": [
            {"material": s.material_key, "kind": s.kind, "sha256": s.sha256}
            for s in submissions
            if not s.superseded
        ],
    }
    return outbox.Message(
        RECEIPT_TOPIC, {"case_id": case.pk, "receipt": content}, centre=case.centre
    )


def receipt_status(case: Case, documents: Iterable[CaseDocument]) -> str:
    """Return ISSUED, PENDING (accepted, the worker has not signed it yet) or ""."""
    if any(d.kind == CaseDocument.Kind.ACCEPTANCE_RECEIPT for d in documents):
        return ISSUED
    if case.accepted_at is not None:
        return PENDING
    return ""


def get_receipt(case: Case) -> CaseDocument | None:
    """Return the case's signed acceptance receipt, or None while there is none."""
    return case.documents.filter(kind=CaseDocument.Kind.ACCEPTANCE_RECEIPT).first()


def _iso_date(value: Any) -> str | None:
    return value.isoformat() if value else None
