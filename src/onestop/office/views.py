"""The department's worklist: reviewers decide the cases of their own department only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.cases import actions, clock_forms, queries
from onestop.cases.decisions import certificate_context, decision_from_post
from onestop.cases.presenters import case_detail, case_summary
from onestop.core.errors import OneStopError
from onestop.core.models import Role
from onestop.core.pages import handles_errors
from onestop.core.permissions import require_role
from onestop.window.views import correction_items


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    cases = [case_summary(c) for c in queries.department_queue(request.user)[:200]]
    return render(request, "office/queue.html", {"cases": cases})


@login_required
@handles_errors
def case(request: HttpRequest, number: str) -> HttpResponse:
    found = queries.get_case_for(request.user, number)
    require_role(
        request.user, [Role.REVIEWER], centre=found.centre, department=found.department
    )
    error: OneStopError | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        opinion = request.POST.get("opinion", "")
        try:
            if action == "approve":
                actions.approve_case(
                    actor=request.user,
                    case=found,
                    opinion=opinion,
                    result=decision_from_post(request),
                )
                messages.success(request, _("Approved; the result is issued."))
            elif action == "deny":
                actions.deny_case(actor=request.user, case=found, opinion=opinion)
                messages.success(request, _("Denied; the decision is issued."))
            elif action == "correction":
                actions.request_correction(
                    actor=request.user, case=found, items=correction_items(request)
                )
                messages.success(
                    request, _("Correction notice sent; the clock is stopped.")
                )
            elif action in clock_forms.OFFICE_ACTIONS:
                messages.success(
                    request, clock_forms.apply_office_action(request, found)
                )
        except OneStopError as caught:
            error = caught
        else:
            return redirect("office:queue")
    return render(
        request,
        "office/case.html",
        {
            "case": found,
            "detail": case_detail(found, viewer=request.user),
            "guide": found.matter_version.guide,
            "clock": clock_forms.office_context(found),
            "error": error,
            **certificate_context(found),
        },
        status=error.status if error else 200,
    )
