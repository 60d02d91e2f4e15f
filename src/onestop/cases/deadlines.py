"""The promised and statutory due dates of a case, from the work calendar of its centre."""

from __future__ import annotations

from django.utils import timezone

from onestop.cases.models import Case
from onestop.worktime import queries as worktime
from onestop.worktime.engine import Due, Pause, remaining_working_days, warning_level


def case_pauses(case: Case) -> list[Pause]:
    return [Pause(started_at=p.started_at, ended_at=p.ended_at) for p in case.pauses.all()]


def compute_case_deadlines(case: Case) -> tuple[Due, Due]:
    """Return (promised, statutory) due dates counted from acceptance, with every pause."""
    assert case.accepted_at is not None  # noqa: S101  (callers check acceptance first)
    guide = case.matter_version.guide
    pauses = case_pauses(case)
    due = []
    for kind in ("promised", "statutory"):
        amount, unit = guide.time_limit(kind)
        if guide.is_immediate:
            amount = 0
        due.append(
            worktime.compute_due(case.centre.region_code, case.accepted_at, amount, unit, pauses)
        )
    return due[0], due[1]


def deadline_status(case: Case) -> tuple[int | None, str]:
    """Return (remaining working days, "ok" | "yellow" | "red") of an open accepted case.

    Closed and not yet accepted cases have (None, "").
    """
    if not case.is_open or case.promised_due is None:
        return None, ""
    calendar = worktime.get_calendar(case.centre.region_code)
    remaining = remaining_working_days(calendar, case.promised_due, timezone.localdate())
    amount, _unit = case.matter_version.guide.time_limit("promised")
    return remaining, warning_level(remaining, amount, case.centre.warning_ratio)
