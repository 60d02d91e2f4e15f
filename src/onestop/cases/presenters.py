"""Plain dicts of a case for pages and the API, with personal data masked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.text import capfirst

from onestop.cases.deadlines import deadline_status, provisional_dues
from onestop.cases.downloads import document_pdf_url, material_url
from onestop.cases.formdata import applicable_fields, display_value, postal_address
from onestop.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseState,
    Channel,
    Submission,
    SubmissionKind,
)
from onestop.cases.receipts import receipt_status
from onestop.cases.recusal import own_case_errors
from onestop.cases.workflow import (
    POSTING_ACTIONS,
    TRANSITIONS,
    UNCHANGED_STATE_ACTIONS,
)
from onestop.core.audit import actor_role_label
from onestop.core.dates import api_iso


def _state_label(value: str) -> str:
    """Return the label of a case state as shown alone, or "" for an empty state."""
    if not value:
        return ""
    try:
        return capfirst(str(CaseState(value).label))
    except ValueError:
        return value


def _action_label(action: str) -> str:
    """Return the translated label of an action in the case history."""
    transition = TRANSITIONS.get(action)
    if transition:
        return str(transition.label)
    return str(UNCHANGED_STATE_ACTIONS.get(action, action))


def form_display(guide: Any, form_data: dict[str, Any]) -> list[tuple[str, Any]]:
    """Return (label, display value) for each form field that applies to the values,
    showing choice labels for selects."""
    rows = []
    applying = applicable_fields(guide.form_fields, form_data)
    for field in guide.form_fields:
        if field["key"] not in applying:
            continue
        value = display_value(field, form_data.get(field["key"], ""))
        rows.append((field.get("label", field["key"]), value))
    return rows


def case_summary(case: Case) -> dict[str, Any]:
    """Return the fields shown in lists, with the applicant masked."""
    _remaining, warning = deadline_status(case)
    person = f"{case.person.masked_name} {case.person.masked_id_number}"
    enterprise = case.enterprise
    # For an enterprise the person is its agent (经办人), named apart from it.
    if enterprise is None:
        applicant, agent = person, None
    else:
        applicant, agent = f"{enterprise.name} {enterprise.masked_uscc}", person
    return {
        "number": case.number,
        "centre": case.centre.name,
        "state": case.state,
        "state_label": _state_label(case.state),
        "matter": case.matter.pack_id,
        "matter_name": case.matter.name,
        "department": case.department.name,
        "applicant": applicant,
        "agent": agent,
        "channel": case.channel,
        "channel_label": str(Channel(case.channel).label),
        "created_at": api_iso(case.created_at),
        "promised_due": api_iso(case.promised_due),
        "warning": warning,
    }


def staff_case_summaries(viewer: Any, cases: Iterable[Case]) -> list[dict[str, Any]]:
    """Return `case_summary` of each case for a staff list, with `own_case`: the reason
    the viewer may not handle the case (see `cases.recusal`), or None."""
    cases = list(cases)
    own_cases = own_case_errors(viewer, cases)
    return [
        {**case_summary(case), "own_case": own_cases.get(case.pk)} for case in cases
    ]


def case_detail(
    case: Case,
    *,
    viewer: Any,
    submissions: Iterable[Submission] | None = None,
    events: Iterable[CaseEvent] | None = None,
    documents: Iterable[CaseDocument] | None = None,
) -> dict[str, Any]:
    """Return the full record of one case for a viewer who may see it.

    A caller that has just written the case passes its submissions, events and
    documents, and they are not read again.
    """
    remaining, _warning = deadline_status(case)
    promised_provisional, statutory_provisional = provisional_dues(case)
    guide = case.matter_version.guide
    names = {m["key"]: m["name"] for m in guide.materials}
    if submissions is None:
        submissions = case.submissions.all()
    event_rows = list(case.events.all() if events is None else events)
    current = sorted((s for s in submissions if not s.superseded), key=_pk)
    return {
        **case_summary(case),
        "matter_version": case.matter_version.number,
        "statutory_due": api_iso(case.statutory_due),
        "deadline_provisional": case.deadline_provisional,
        "promised_due_provisional": promised_provisional,
        "statutory_due_provisional": statutory_provisional,
        "remaining_working_days": remaining,
        "form_data": case.form_data,
        "form_display": form_display(guide, case.form_data),
        "postal_address": postal_address(guide.form_fields, case.form_data),
        "correction_items": case.correction_items,
        "material_names": names,
        "opinion": case.opinion,
        "refusal_reason": case.refusal_reason,
        "materials": [
            {
                "material": s.material_key,
                "name": names.get(s.material_key, s.material_key),
                "id": s.pk,
                "kind": s.kind,
                "file_name": s.original_name,
                "content_type": s.content_type,
                "size": s.size,
                "sha256": s.sha256,
                "original_seen": s.original_seen,
                "copy_taken": s.copy_taken,
                "certificate": s.certificate_identifier,
                "url": (
                    material_url(case.number, s.pk)
                    if s.kind == SubmissionKind.UPLOAD
                    else None
                ),
            }
            for s in current
        ],
        **documents_display(case, documents),
        "events": [
            {
                "at": api_iso(e.at),
                "action": e.action,
                "action_label": _action_label(e.action),
                "from_state": e.from_state,
                "from_state_label": _state_label(e.from_state),
                "to_state": e.to_state,
                "to_state_label": _state_label(e.to_state),
                "actor_role": e.actor_role,
                "actor_role_label": actor_role_label(e.actor_role),
                "reason": e.reason,
            }
            for e in event_rows
        ],
        "postings": current_postings(event_rows),
    }


def current_postings(events: Iterable[CaseEvent]) -> list[dict[str, Any]]:
    """Return the case's current posting as a list of at most one: the values of its
    latest `record_posting` or `correct_posting` event, with when it was written.

    A correction's data also has the values it replaced, which the history keeps and
    this leaves out.
    """
    postings = [e for e in events if e.action in POSTING_ACTIONS]
    if not postings:
        return []
    latest = max(postings, key=lambda e: (e.at, e.pk))
    return [
        {
            "at": api_iso(latest.at),
            "posted_on": latest.data.get("posted_on", ""),
            "carrier": latest.data.get("carrier", ""),
            "tracking_number": latest.data.get("tracking_number", ""),
        }
    ]


def documents_display(
    case: Case, documents: Iterable[CaseDocument] | None = None
) -> dict[str, Any]:
    """Return the case's documents and the state of its acceptance receipt.

    `receipt_status` is "issued", "pending" (accepted, and the worker has not signed
    the receipt yet) or "".
    """
    rows = list(case.documents.all() if documents is None else documents)
    return {
        "number": case.number,
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "created_at": api_iso(d.created_at),
                "data": d.data,
                "signature": d.signature,
                "pdf_url": document_pdf_url(case.number, d),
            }
            for d in rows
        ],
        "receipt_status": receipt_status(case, rows),
    }


def _pk(row: Any) -> int:
    return int(row.pk)
