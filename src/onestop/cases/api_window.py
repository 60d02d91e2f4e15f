"""The window's case list and case search under /api/v1/centres/{slug}/window/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from onestop.cases.api import CaseSummaryOut
from onestop.cases.presenters import case_summary
from onestop.cases.window_search import (
    applicant_cases,
    find_window_case,
    looks_like_id_number,
    mark_own_cases,
    window_case_page,
)
from onestop.core.centres import get_centre
from onestop.core.paging import PageNumberText
from onestop.core.schemas import InputSchema

router = Router(tags=["cases"])


class WindowCaseOut(CaseSummaryOut):
    # True when the clerk is the applicant or an agent of its enterprise, so another
    # clerk must handle the case.
    own: bool


class WindowCasePageOut(Schema):
    count: int
    page: int
    pages: int
    cases: list[WindowCaseOut]


class CaseSearchIn(InputSchema):
    # A case number, or the applicant's resident ID number. It travels in the body so
    # that an ID number never appears in a URL.
    query: str


class CaseSearchOut(Schema):
    # The searched ID number, masked, or "" for a search by case number.
    id_number_masked: str
    cases: list[WindowCaseOut]
    # True when the applicant has more cases than the response lists.
    truncated: bool


@router.get("/{slug}/window/cases", response=WindowCasePageOut)
def list_window_cases(
    request: HttpRequest, slug: str, page: PageNumberText
) -> dict[str, Any]:
    """List the centre's cases that the caller handled or that wait at the window.

    `page` is a whole number from 1 (default 1). A page past the last is 404
    request.page_not_found, and any other value is 400 request.page_invalid.
    """
    found = window_case_page(request.user, get_centre(slug), page)
    rows = [case_summary(case) for case in found]
    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "cases": mark_own_cases(request.user, rows, list(found)),
    }


@router.post("/{slug}/window/case-searches", response=CaseSearchOut)
def search_window_cases(
    request: HttpRequest, slug: str, payload: CaseSearchIn
) -> dict[str, Any]:
    """Find a case of the centre by its number, or an applicant's cases by ID number."""
    centre = get_centre(slug)
    if looks_like_id_number(payload.query):
        found = applicant_cases(request.user, centre, payload.query)
        return {
            "id_number_masked": found.resident.masked,
            "cases": found.cases,
            "truncated": found.truncated,
        }
    case = find_window_case(request.user, centre, payload.query)
    rows = mark_own_cases(request.user, [case_summary(case)], [case])
    return {"id_number_masked": "", "cases": rows, "truncated": False}
