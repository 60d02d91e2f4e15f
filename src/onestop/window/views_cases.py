"""The window's case list and case search (/window/cases/): reopen a case at the window."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.cases.presenters import case_summary
from onestop.cases.window_search import (
    ApplicantCases,
    applicant_cases,
    find_window_case,
    looks_like_id_number,
    mark_own_cases,
    window_case_page,
)
from onestop.core.errors import InvalidInput, OneStopError
from onestop.core.logging import get_logger
from onestop.core.models import Centre
from onestop.core.pages import handles_errors
from onestop.core.paging import PageInvalid, PageNotFound
from onestop.window.views import clerk_centre

log = get_logger(__name__)


class SearchTextMissing(InvalidInput):
    code = "window.search_text_missing"
    message = _("Enter a case number or the applicant's resident ID number to search.")


@login_required
@handles_errors
def cases(request: HttpRequest) -> HttpResponse:
    """List the centre's recent cases, or search them (POST, so that an ID number never
    appears in a URL that logs and browser history keep)."""
    centre = clerk_centre(request.user)
    found: ApplicantCases | Case | None = None
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            found = _search(request, centre)
        except OneStopError as caught:
            error = caught
    if isinstance(found, Case):
        return redirect("window:case", found.number)

    context: dict[str, Any] = {"centre": centre, "found": found, "error": error}
    try:
        page = window_case_page(request.user, centre, request.GET.get("page"))
    except (PageInvalid, PageNotFound) as page_error:
        # The page shows the error in place of the list, links to the first page and
        # keeps the search form, with the error's status.
        log.info("request.rejected", code=page_error.code, path=request.path)
        context["page_error"] = page_error
        return render(request, "window/cases.html", context, status=page_error.status)
    context["page"] = page
    context["rows"] = mark_own_cases(
        request.user, [case_summary(case) for case in page], list(page)
    )
    return render(
        request, "window/cases.html", context, status=error.status if error else 200
    )


def _search(request: HttpRequest, centre: Centre) -> ApplicantCases | Case:
    """Return the applicant's cases for an ID number, or the case of this centre that
    has the number. Raise for an empty text, an invalid ID number or an unknown case."""
    text = request.POST.get("q", "")
    if not text.strip():
        raise SearchTextMissing()
    if looks_like_id_number(text):
        return applicant_cases(request.user, centre, text)
    return find_window_case(request.user, centre, text)
