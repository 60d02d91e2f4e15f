"""The promised and statutory due dates of a case, from the work calendar of its centre."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.utils import timezone

from onestop.cases.models import Case, CaseExtension, CaseState
from onestop.worktime import queries as worktime
from onestop.worktime.engine import (
    Due,
    Pause,
    Unit,
    remaining_working_days,
    warning_level,
)

# The states of an accepted case whose clock a pause has stopped.
CLOCK_STOPPED_STATES = {CaseState.CORRECTION_REQUESTED, CaseState.SUSPENDED}


def case_pauses(case: Case) -> list[Pause]:
    return [
        Pause(started_at=p.started_at, ended_at=p.ended_at) for p in case.pauses.all()
    ]


def approved_extension_days(case: Case) -> int:
    """Return the working days of every approved extension of the case."""
    approved = CaseExtension.Status.APPROVED
    return sum(e.working_days for e in case.extensions.all() if e.status == approved)


def compute_case_deadlines(case: Case) -> tuple[Due, Due]:
    """Return (promised, statutory) due dates counted from acceptance, with every pause.

    Approved extensions move both dates by their working days, after the limit itself
    (in working or natural days) and the pauses are counted.
    """
    return _due_dates(case, case_pauses(case), approved_extension_days(case))


def statutory_due_before_extensions(case: Case) -> dt.date:
    """Return the statutory due date of an accepted case with every pause counted and
    no extension, the date that a natural-day extension allowance is counted from."""
    return _due_dates(case, case_pauses(case), 0)[1].date


def first_case_deadlines(case: Case) -> tuple[Due, Due]:
    """Return (promised, statutory) due dates of a case accepted in this transaction.

    Such a case has no pauses and no extensions yet, so the case need not be saved and
    only the work calendar is read, from the process's cache (which checks the
    database at most once a minute).
    """
    return _due_dates(case, [], 0)


def _due_dates(case: Case, pauses: list[Pause], extra: int) -> tuple[Due, Due]:
    assert case.accepted_at is not None  # noqa: S101  (callers check acceptance first)
    guide = case.matter_version.guide
    due = []
    for kind in ("promised", "statutory"):
        amount, unit = guide.time_limit(kind)
        if guide.is_immediate:
            amount = 0
        # The matter schema, which every pack and overlay is checked against, allows
        # only the two Unit values. compute_due raises ValueError for any other.
        base = worktime.compute_due(
            case.centre.region_code, case.accepted_at, amount, cast(Unit, unit), pauses
        )
        due.append(_extended(case, base, extra))
    return due[0], due[1]


def _extended(case: Case, base: Due, working_days: int) -> Due:
    if not working_days:
        return base
    calendar = worktime.get_calendar(case.centre.region_code)
    date = calendar.add_working_days(base.date, working_days)
    provisional = base.provisional or calendar.is_provisional(base.date, date)
    return Due(date=date, provisional=provisional, open_pause=base.open_pause)


def provisional_dues(case: Case) -> tuple[bool, bool]:
    """Return whether the stored promised and statutory due dates are each provisional.

    A date is provisional when a year from the acceptance day to that date has no
    official schedule. The stored flag covers both dates together.
    """
    if not case.deadline_provisional or case.accepted_at is None:
        return False, False
    calendar = worktime.get_calendar(case.centre.region_code)
    start = timezone.localdate(case.accepted_at)
    flags = [
        due is not None and calendar.is_provisional(start, due)
        for due in (case.promised_due, case.statutory_due)
    ]
    if not any(flags):
        # The missing year was loaded after the dates were stored, and the daily
        # re-evaluation has not recomputed them yet, so both stay provisional.
        return True, True
    return flags[0], flags[1]


def deadline_status(case: Case) -> tuple[int | None, str]:
    """Return (remaining working days, "ok" | "yellow" | "red") of an open accepted case.

    Closed and not yet accepted cases have (None, ""). While the clock is stopped the
    stored date is stale, so the date is computed with the open pause counted up to now.
    """
    if not case.is_open or case.promised_due is None:
        return None, ""
    due = case.promised_due
    if case.state in CLOCK_STOPPED_STATES:
        due = compute_case_deadlines(case)[0].date
    calendar = worktime.get_calendar(case.centre.region_code)
    remaining = remaining_working_days(calendar, due, timezone.localdate())
    amount, _unit = case.matter_version.guide.time_limit("promised")
    return remaining, warning_level(remaining, amount, case.centre.warning_ratio)
