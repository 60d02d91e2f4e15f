"""The supervisor's overview of the centre: cases by state, and warned and overdue cases."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.cases.models import OPEN_STATES, CaseState
from onestop.cases.presenters import case_summary
from onestop.cases.queries import visible_cases
from onestop.core.models import Role
from onestop.core.pages import handles_errors
from onestop.core.permissions import RoleRequired, staff_roles

SUPERVISING_ROLES = {Role.SUPERVISOR, Role.CENTRE_ADMIN, Role.PLATFORM_ADMIN}


@login_required
@handles_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    if not any(m.role in SUPERVISING_ROLES for m in staff_roles(request.user)):
        raise RoleRequired(role=Role.SUPERVISOR.label, centre="")
    cases = visible_cases(request.user)
    by_state = Counter(cases.values_list("state", flat=True))
    open_cases = [case_summary(c) for c in cases.filter(state__in=OPEN_STATES)[:2000]]
    warned = [c for c in open_cases if c["warning"] in ("yellow", "red")]
    by_department: Counter[tuple[str, str]] = Counter(
        (c["department"], c["warning"]) for c in warned
    )
    return render(
        request,
        "supervise/dashboard.html",
        {
            "states": [(CaseState(s).label, by_state.get(s, 0)) for s in CaseState.values],
            "warned": warned[:200],
            "by_department": sorted(by_department.items()),
        },
    )
