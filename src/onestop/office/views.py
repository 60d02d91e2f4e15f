"""The department's worklist: reviewers decide the cases of their own department only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.cases import actions, clock_forms, queries
from onestop.cases.decisions import certificate_context, decision_from_post
from onestop.cases.models import CaseState
from onestop.cases.presenters import case_detail, staff_case_summaries
from onestop.cases.recusal import own_case_error
from onestop.core.errors import OneStopError
from onestop.core.models import Role
from onestop.core.pages import handles_errors, posted_choice
from onestop.core.permissions import RoleRequired, find_role, require_role, staff_roles
from onestop.window.views import correction_items

QUEUE_ROLES = (Role.REVIEWER, Role.DEPARTMENT_ADMIN)
OPEN_STATES = (CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED)
REVIEW_ACTIONS = ("approve", "deny", "correction", *clock_forms.OFFICE_ACTIONS)


@login_required
@handles_errors
def queue(request: HttpRequest) -> HttpResponse:
    """List the open cases of the caller's departments.

    Reviewers decide these cases. Department admins see the same list read-only.
    """
    if find_role(request.user, QUEUE_ROLES) is None:
        raise RoleRequired(role=[Role(role) for role in QUEUE_ROLES], centre="")

    departments = [
        m.department_id
        for m in staff_roles(request.user)
        if m.role in QUEUE_ROLES and m.department_id
    ]
    open_cases = (
        queries.visible_cases(request.user)
        .filter(department_id__in=departments, state__in=OPEN_STATES)
        .order_by("promised_due", "accepted_at")
    )
    cases = staff_case_summaries(request.user, open_cases[:200])
    return render(request, "office/queue.html", {"cases": cases})


@login_required
@handles_errors
def case(request: HttpRequest, number: str) -> HttpResponse:
    found = queries.get_case_for(request.user, number)
    membership = require_role(
        request.user,
        [Role.REVIEWER, Role.DEPARTMENT_ADMIN],
        centre=found.centre,
        department=found.department,
    )
    # A department admin may read the case; only a reviewer decides it (the actions check
    # the role again).
    is_reviewer = membership.role == Role.REVIEWER
    error: OneStopError | None = None
    if request.method == "POST" and is_reviewer:
        opinion = request.POST.get("opinion", "")
        try:
            action = posted_choice(request, "action", REVIEW_ACTIONS)
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
                    actor=request.user,
                    case=found,
                    items=correction_items(request, found),
                )
                messages.success(
                    request, _("Correction notice sent; the clock is stopped.")
                )
            else:
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
            "is_reviewer": is_reviewer,
            "own_case": own_case_error(request.user, found),
            "error": error,
            "posted": request.POST if error else {},
            **certificate_context(found),
        },
        status=error.status if error else 200,
    )
