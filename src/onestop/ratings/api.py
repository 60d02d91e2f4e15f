"""POST /api/v1/ratings/cases/{number}: the applicant rates a case."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from onestop.cases.queries import get_case_for
from onestop.ratings.actions import rate_case

router = Router(tags=["ratings"])


class RatingIn(Schema):
    level: int
    comment: str = ""


class RatingOut(Schema):
    case: str
    level: int
    level_label: str
    comment: str
    is_bad: bool


@router.post("/cases/{number}", response={201: RatingOut})
def rate(request: HttpRequest, number: str, payload: RatingIn) -> Status:
    case = get_case_for(request.user, number, audit=False)
    rating = rate_case(actor=request.user, case=case, level=payload.level, comment=payload.comment)
    return Status(201, RatingOut(
        case=case.number,
        level=rating.level,
        level_label=str(rating.get_level_display()),
        comment=rating.comment,
        is_bad=rating.is_bad,
    ))
