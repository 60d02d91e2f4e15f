"""Plain dicts of a case for pages and the API, with personal data masked."""

from __future__ import annotations

from typing import Any

from onestop.cases.deadlines import deadline_status
from onestop.cases.models import Case, CaseState


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def case_summary(case: Case) -> dict[str, Any]:
    """The fields shown in lists: the applicant appears masked."""
    _remaining, warning = deadline_status(case)
    applicant = case.enterprise.name if case.enterprise_id else case.person.masked_name
    return {
        "number": case.number,
        "state": case.state,
        "state_label": str(CaseState(case.state).label),
        "matter": case.matter.pack_id,
        "matter_name": case.matter.name,
        "department": case.department.name,
        "applicant": f"{applicant} {case.person.masked_id_number}",
        "channel": case.channel,
        "created_at": case.created_at.isoformat(),
        "promised_due": _iso(case.promised_due),
        "warning": warning,
    }


def case_detail(case: Case, *, viewer: Any) -> dict[str, Any]:
    """The full record of one case, for a viewer who may see it (the view is audited)."""
    remaining, _warning = deadline_status(case)
    guide = case.matter_version.guide
    names = {m["key"]: m["name"] for m in guide.materials}
    return {
        **case_summary(case),
        "matter_version": case.matter_version.number,
        "statutory_due": _iso(case.statutory_due),
        "deadline_provisional": case.deadline_provisional,
        "remaining_working_days": remaining,
        "form_data": case.form_data,
        "correction_items": case.correction_items,
        "material_names": names,
        "opinion": case.opinion,
        "refusal_reason": case.refusal_reason,
        "materials": [
            {
                "material": s.material_key,
                "name": names.get(s.material_key, s.material_key),
                "kind": s.kind,
                "file_name": s.original_name,
                "content_type": s.content_type,
                "size": s.size,
                "sha256": s.sha256,
                "original_seen": s.original_seen,
                "copy_taken": s.copy_taken,
                "certificate": s.certificate_identifier,
            }
            for s in case.submissions.filter(superseded=False).order_by("pk")
        ],
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "created_at": d.created_at.isoformat(),
                "data": d.data,
                "signature": d.signature,
            }
            for d in case.documents.all()
        ],
        "events": [
            {
                "at": e.at.isoformat(),
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor_role": e.actor_role,
                "reason": e.reason,
            }
            for e in case.events.all()
        ],
    }
