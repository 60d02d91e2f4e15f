"""Clock endpoints under /api/v1/cases: special procedures and extensions of a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from onestop.cases import clock
from onestop.cases.api import CaseOut, _case, _detail
from onestop.cases.models import CaseExtension
from onestop.core.dates import api_datetime, api_iso
from onestop.core.schemas import ApiDate, ApiDateTime, InputSchema

router = Router(tags=["cases"])


class SpecialProcedureIn(InputSchema):
    procedure: str
    reason: str


class SpecialProcedureEndIn(InputSchema):
    reason: str
    ended_at: dt.datetime | None = None


class ExtensionIn(InputSchema):
    # Strict, so that "3" is rejected as a JSON string rather than converted.
    working_days: StrictInt
    reason: str


class ExtensionDecisionIn(InputSchema):
    note: str = ""


class ExtensionOut(Schema):
    id: int
    case: str
    working_days: int
    reason: str
    status: str
    requested_at: ApiDateTime
    decided_at: ApiDateTime | None
    decision_note: str
    promised_due: ApiDate | None
    statutory_due: ApiDate | None


def extension_out(extension: CaseExtension) -> dict[str, Any]:
    """Return the API body of an extension request, with the case's due dates."""
    case = extension.case
    case.refresh_from_db(fields=["promised_due", "statutory_due"])
    return {
        "id": extension.pk,
        "case": case.number,
        "working_days": extension.working_days,
        "reason": extension.reason,
        "status": extension.status,
        "requested_at": api_datetime(extension.requested_at),
        "decided_at": api_iso(extension.decided_at),
        "decision_note": extension.decision_note,
        "promised_due": case.promised_due.isoformat() if case.promised_due else None,
        "statutory_due": case.statutory_due.isoformat() if case.statutory_due else None,
    }


@router.post("/{number}/special-procedure", response=CaseOut)
def start_special_procedure(
    request: HttpRequest, number: str, payload: SpecialProcedureIn
) -> dict[str, Any]:
    """Suspend a case under review for a special procedure (听证, 检验, 鉴定, …)."""
    case = clock.start_special_procedure(
        actor=request.user,
        case=_case(request, number),
        procedure=payload.procedure,
        reason=payload.reason,
    )
    return _detail(request, case)


@router.post("/{number}/special-procedure/end", response=CaseOut)
def end_special_procedure(
    request: HttpRequest, number: str, payload: SpecialProcedureEndIn
) -> dict[str, Any]:
    """End the running special procedure at `ended_at` or now, and resume the review."""
    case = clock.end_special_procedure(
        actor=request.user,
        case=_case(request, number),
        reason=payload.reason,
        ended_at=payload.ended_at,
    )
    return _detail(request, case)


@router.get("/{number}/extensions", response=list[ExtensionOut])
def list_extensions(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    return [extension_out(e) for e in clock.case_extensions(_case(request, number))]


@router.post("/{number}/extensions", response={201: ExtensionOut})
def request_extension(
    request: HttpRequest, number: str, payload: ExtensionIn
) -> Status:
    """Request more working days, for a supervisor of the centre to decide."""
    extension = clock.request_extension(
        actor=request.user,
        case=_case(request, number),
        working_days=payload.working_days,
        reason=payload.reason,
    )
    return Status(201, extension_out(extension))


@router.post("/extensions/{extension_id}/approve", response=ExtensionOut)
def approve_extension(
    request: HttpRequest, extension_id: int, payload: ExtensionDecisionIn
) -> dict[str, Any]:
    return _decide(request, extension_id, payload, clock.approve_extension)


@router.post("/extensions/{extension_id}/reject", response=ExtensionOut)
def reject_extension(
    request: HttpRequest, extension_id: int, payload: ExtensionDecisionIn
) -> dict[str, Any]:
    return _decide(request, extension_id, payload, clock.reject_extension)


def _decide(
    request: HttpRequest,
    extension_id: int,
    payload: ExtensionDecisionIn,
    decision: Callable[..., CaseExtension],
) -> dict[str, Any]:
    """Load an extension request the caller may see, decide it and return its body."""
    extension = decision(
        actor=request.user,
        extension=clock.get_extension_for(request.user, extension_id),
        note=payload.note,
    )
    return extension_out(extension)
