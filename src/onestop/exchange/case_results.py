"""Case actions for results that a department's own system returns through a connector.

These run as the system, with no acting user: the department's signature on the callback
is the authority, checked before these are called. They reuse the steps of
`onestop.cases.actions` so the case's events, pauses, notices and ledger entries are the
same as for a reviewer working in OneStop.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.cases import actions as case_actions
from onestop.cases import documents, notices
from onestop.cases.actions.materials import check_material_keys
from onestop.cases.errors import CorrectionItemsRequired
from onestop.cases.models import Case, CaseDocument, CasePause, CaseState
from onestop.core.models import Role


def apply_department_correction(*, case: Case, items: list[dict[str, Any]]) -> Case:
    """Send the case back for correction on behalf of the department's system.

    Each item has an optional `material` (a key of the matter) and a `note`. The clock
    stops until the applicant resubmits, as for a reviewer's request.
    """
    items = [item for item in items if (item.get("note") or "").strip()]
    if not items:
        raise CorrectionItemsRequired()
    with transaction.atomic():
        case = case_actions._lock(case)
        check_material_keys(
            [item["material"] for item in items if item.get("material")],
            case.matter_version.guide.materials,
        )
        if case.state == CaseState.ACCEPTED:
            case_actions._transition(
                case, actor=None, actor_role=case_actions.SYSTEM, action="start_review"
            )
        case.correction_items = items
        case.save(update_fields=["correction_items"])
        case_actions._transition(
            case,
            actor=None,
            actor_role=Role.REVIEWER,
            action="request_correction",
            data={"items": items, "source": "department_system"},
        )
        CasePause.objects.create(
            centre=case.centre,
            case=case,
            kind=CasePause.Kind.CORRECTION,
            reason=_("correction requested"),
            started_at=timezone.now(),
        )
        documents.create_document(
            case, CaseDocument.Kind.CORRECTION_NOTICE, {"items": items}
        )
        case_actions._notify(
            case,
            notices.CORRECTION_REQUESTED,
            items="; ".join(item["note"] for item in items if item.get("note")),
        )
    return case_actions._reload(case)


def mark_received(*, case: Case) -> Case:
    """Record that the department's system took the case: accepted → in review.

    A case already in review or beyond is left as it is.
    """
    return case_actions.start_review(actor=None, case=case)
