"""The supervisor's overview of the centre: cases by state, warnings and extensions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.cases import clock
from onestop.cases.deadlines import CLOCK_STOPPED_STATES
from onestop.cases.models import OPEN_STATES, CaseState
from onestop.cases.presenters import case_summary
from onestop.cases.queries import visible_cases
from onestop.cases.recusal import own_case_errors
from onestop.core.errors import InvalidInput
from onestop.core.models import Role
from onestop.core.pages import handles_errors, posted_choice
from onestop.core.permissions import RoleRequired, staff_roles
from onestop.supervise import filters
from onestop.worktime.queries import missing_years

# The dashboard reads at most this many open cases, the ones due first.
MAX_OPEN_CASES = 2000


def _require_supervisor(request: HttpRequest) -> None:
    if not any(m.role in filters.SUPERVISING_ROLES for m in staff_roles(request.user)):
        raise RoleRequired(role=Role.SUPERVISOR, centre="")


@login_required
@handles_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    return _dashboard_page(request)


def _dashboard_page(
    request: HttpRequest, decision: dict[str, Any] | None = None
) -> HttpResponse:
    """Render the dashboard for the filters of the query string.

    `decision` is a rejected extension decision: the InvalidInput error, the extension's id
    and the note as typed, shown beside that extension's form.
    """
    choices = filters.choices_for(request.user)
    try:
        chosen = filters.parse_filters(request, choices)
    except filters.FilterRejected as error:
        # The filter form with the message and the values sent, and no figures, so
        # that unfiltered figures never show as if they were filtered.
        return render(
            request,
            "supervise/dashboard.html",
            {
                "filter_error": error,
                "missing_years": _missing_years(request),
                "choices": choices,
                "filters": filters.sent_filters(request),
            },
            status=error.status,
        )
    cases = chosen.apply(visible_cases(request.user))
    by_state = Counter(cases.values_list("state", flat=True))
    open_cases = cases.filter(state__in=OPEN_STATES).order_by("promised_due", "pk")
    summaries = [case_summary(c) for c in open_cases[:MAX_OPEN_CASES]]
    warned = [c for c in summaries if c["warning"] in ("yellow", "red")]
    by_department = _warning_table(warned, "department")
    extensions = _extension_rows(request, cases)
    if decision is not None:
        listed = {row["extension"].pk for row in extensions}
        decision = {**decision, "listed": decision["extension_id"] in listed}
    return render(
        request,
        "supervise/dashboard.html",
        {
            "states": [
                (capfirst(CaseState(s).label), by_state.get(s, 0))
                for s in CaseState.values
            ],
            "warned": warned[:200],
            "paused": [c for c in summaries if c["state"] in CLOCK_STOPPED_STATES][
                :200
            ],
            "by_centre": _by_centre(cases, warned) if len(choices.centres) > 1 else [],
            "by_department": by_department,
            "by_matter": _warning_table(warned, "matter_name"),
            "chart": _chart_data(by_department),
            "provisional": open_cases.filter(deadline_provisional=True).count(),
            "missing_years": _missing_years(request),
            "extensions": extensions,
            "decision": decision,
            "choices": choices,
            "filters": chosen.as_query(),
            "filter_query": _filter_query(chosen),
        },
        status=decision["error"].status if decision else 200,
    )


def _filter_query(chosen: filters.Filters) -> str:
    """Return the chosen filters as a query string, without the open ones."""
    return urlencode(
        {name: value for name, value in chosen.as_query().items() if value}
    )


@login_required
@require_POST
@handles_errors
def decide_extension(request: HttpRequest, extension_id: int) -> HttpResponse:
    """Approve or reject one extension request from the dashboard."""
    _require_supervisor(request)
    extension = clock.get_extension_for(request.user, extension_id)
    note = request.POST.get("note", "")
    approve = posted_choice(request, "decision", ("approve", "reject")) == "approve"
    try:
        if approve:
            clock.approve_extension(actor=request.user, extension=extension, note=note)
        else:
            clock.reject_extension(actor=request.user, extension=extension, note=note)
    except InvalidInput as error:
        # The form posts to a URL that carries the dashboard's filters, so the
        # dashboard shows again as it was, with the error and the note beside the form.
        # Other errors, such as a supervisor's own case, get the error page.
        decision = {"error": error, "extension_id": extension.pk, "note": note}
        return _dashboard_page(request, decision)
    if approve:
        messages.success(request, _("The extension is approved; the due dates moved."))
    else:
        messages.success(request, _("The extension is rejected; the due dates stay."))
    query = request.GET.urlencode()
    return redirect(reverse("supervise:dashboard") + (f"?{query}" if query else ""))


def _extension_rows(request: HttpRequest, cases: Any) -> list[dict[str, Any]]:
    """Return the pending extension requests of `cases`, each with the reason the user
    may not decide it (`own_case`) when the user applied for its case."""
    extensions = list(
        clock.pending_extensions(request.user).filter(case__in=cases.values("pk"))[:200]
    )
    own_cases = own_case_errors(request.user, [e.case for e in extensions])
    return [
        {"extension": extension, "own_case": own_cases.get(extension.case_id)}
        for extension in extensions
    ]


def _by_centre(cases: Any, warned: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Count the open and the warned cases of each centre, for a view of several."""
    open_counts = Counter(
        cases.filter(state__in=OPEN_STATES).values_list("centre__name", flat=True)
    )
    warnings = {row["name"]: row for row in _warning_table(warned, "centre")}
    return [
        {
            "name": name,
            "open": count,
            "yellow": warnings.get(name, {}).get("yellow", 0),
            "red": warnings.get(name, {}).get("red", 0),
        }
        for name, count in sorted(open_counts.items())
    ]


def _warning_table(warned: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Count the yellow and red cases per value of `key`, most red first."""
    counts: dict[str, Counter[str]] = {}
    for case in warned:
        counts.setdefault(case[key], Counter())[case["warning"]] += 1
    rows = [
        {"name": name, "yellow": c["yellow"], "red": c["red"]}
        for name, c in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row["red"], -row["yellow"], row["name"]))


def _chart_data(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the series of the stacked bar chart, one bar per department."""
    return {
        "height": 80 + 32 * len(rows),
        "names": [row["name"] for row in rows],
        "yellow": [row["yellow"] for row in rows],
        "red": [row["red"] for row in rows],
        "labels": {"yellow": _("due soon"), "red": _("overdue")},
    }


def _missing_years(request: HttpRequest) -> list[dict[str, Any]]:
    """List per supervised centre the years up to next year that have no schedule."""
    today = timezone.localdate()
    upto = dt.date(today.year + 1, 12, 31)
    centres = filters.supervised_centres(request.user)
    alerts = []
    for centre in centres.order_by("name")[:50]:
        years = missing_years(centre.region_code, upto, since=today)
        if years:
            alerts.append({"centre": centre.name, "years": years})
    return alerts
