"""Posting endpoints under /api/v1/cases: record that the window posted a case's result
(邮寄送达) to the applicant, and correct a recorded posting."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from onestop.cases import actions
from onestop.cases.api import CaseOut, _case, _detail
from onestop.core.schemas import InputSchema

router = Router(tags=["cases"])


class PostingIn(InputSchema):
    # Text rather than a date type, so that the action reports an invalid date
    # together with the other invalid fields, with the range of days it accepts.
    posted_on: str
    carrier: str
    tracking_number: str


class PostingCorrectionIn(PostingIn):
    reason: str


@router.post("/{number}/posting", response=CaseOut)
def record_posting(
    request: HttpRequest, number: str, payload: PostingIn
) -> dict[str, Any]:
    """Record that the window posted the result: date (YYYY-MM-DD), carrier, waybill.

    A case has one posting, so a second returns 409 case.posting_already_recorded.
    POST /cases/{number}/posting/correct changes a recorded posting.
    """
    case = actions.record_posting(
        actor=request.user, case=_case(request, number), posting=_posting(payload)
    )
    return _detail(request, case)


@router.post("/{number}/posting/correct", response=CaseOut)
def correct_posting(
    request: HttpRequest, number: str, payload: PostingCorrectionIn
) -> dict[str, Any]:
    """Replace the recorded posting's values and state the reason.

    The case history keeps the earlier posting event as well as the correction.
    """
    case = actions.correct_posting(
        actor=request.user,
        case=_case(request, number),
        posting=_posting(payload),
        reason=payload.reason,
    )
    return _detail(request, case)


def _posting(payload: PostingIn) -> actions.Posting:
    return actions.Posting(
        posted_on=payload.posted_on,
        carrier=payload.carrier,
        tracking_number=payload.tracking_number,
    )
