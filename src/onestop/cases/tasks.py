"""Background jobs of cases: acceptance receipts, the daily re-evaluation of
provisional deadlines, and the clean-up of expired held uploads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from onestop.cases import actions, deadlines, receipts
from onestop.cases.held_uploads import delete_expired_held_uploads
from onestop.cases.models import OPEN_STATES, Case
from onestop.catalog.models import MatterVersion
from onestop.core.logging import get_logger
from onestop.core.models import OutboxMessage
from onestop.core.outbox import PermanentFailure, handler, periodic
from onestop.worktime import queries as worktime
from onestop.worktime.engine import effective_day

log = get_logger(__name__)

BATCH_SIZE = 1000
# How often workers delete expired held uploads. An expired one is refused at once, so
# this only bounds how long its file stays on disk.
HELD_UPLOAD_CLEANUP_SECONDS = 300

# The local date of the last completed run in this process. Workers check every hour
# and re-evaluate once a day. A run is idempotent, so two processes may both run it.
_last_run: dt.date | None = None


@dataclass(frozen=True)
class Reevaluation:
    """The counts of one re-evaluation run."""

    checked: int
    recomputed: int
    still_provisional: int


@handler(receipts.RECEIPT_TOPIC)
def issue_acceptance_receipt(message: OutboxMessage) -> None:
    """Sign the receipt of an accepted case and notify the applicant (idempotent)."""
    case_id = message.payload["case_id"]
    receipt = actions.issue_acceptance_receipt(
        case_id=case_id, content=message.payload["receipt"]
    )
    if receipt is None:
        raise PermanentFailure(f"case {case_id} does not exist")


@periodic(3600)
def reevaluate_daily() -> Reevaluation | None:
    """Re-evaluate provisional deadlines once per local day, or return None if done."""
    global _last_run
    today = timezone.localdate()
    if _last_run == today:
        return None
    result = reevaluate_provisional_deadlines()
    _last_run = today
    return result


@periodic(HELD_UPLOAD_CLEANUP_SECONDS)
def delete_expired_uploads() -> int:
    """Delete the held uploads that expired, with their files."""
    return delete_expired_held_uploads()


def reevaluate_provisional_deadlines(batch_size: int = BATCH_SIZE) -> Reevaluation:
    """Recompute the deadlines of open cases whose provisional years are now loaded.

    A case's deadline is provisional while a year from its acceptance day to its due
    date has no official schedule. Once that year is loaded, the dates are computed
    again with the rules of a transition, and only the three deadline fields change.
    """
    checked = recomputed = still_provisional = 0
    for batch in _provisional_batches(batch_size):
        checked += len(batch)
        ready = [row.pk for row in batch if _years_now_loaded(row)]
        if ready:
            cases = _recompute(ready)
            recomputed += len(cases)
            still_provisional += sum(case.deadline_provisional for case in cases)

    result = Reevaluation(checked, recomputed, still_provisional)
    log.info(
        "cases.deadlines_reevaluated",
        checked=checked,
        recomputed=recomputed,
        still_provisional=still_provisional,
    )
    return result


def _provisional_cases() -> QuerySet[Case]:
    return Case.objects.filter(
        state__in=OPEN_STATES, deadline_provisional=True, accepted_at__isnull=False
    )


def _provisional_batches(batch_size: int) -> Iterator[list[Case]]:
    """Yield the open provisional cases in batches of ascending id, with few fields."""
    cases = (
        _provisional_cases()
        .select_related("centre")
        .only(
            "pk", "accepted_at", "promised_due", "statutory_due", "centre__region_code"
        )
        .order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(cases.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk


def _years_now_loaded(case: Case) -> bool:
    """Tell whether each year from acceptance to the stored due dates is official."""
    assert case.accepted_at is not None  # noqa: S101  (the query selects accepted)
    calendar = worktime.get_calendar(case.centre.region_code)
    accepted_day = effective_day(calendar, case.accepted_at)
    due = max(d for d in (case.promised_due, case.statutory_due, accepted_day) if d)
    return not calendar.is_provisional(accepted_day, due)


@transaction.atomic
def _recompute(pks: list[int]) -> list[Case]:
    """Lock the cases, compute their deadlines again and write the three fields."""
    cases = list(
        _provisional_cases()
        .select_for_update(of=("self",))
        .filter(pk__in=pks)
        .select_related("centre")
        .defer("form_data", "correction_items")
        .prefetch_related("pauses", "extensions")
        .order_by("pk")
    )
    # Many cases share a matter version, whose definition is a large JSON document, so
    # each version is loaded once per batch and not once per case.
    versions = MatterVersion.objects.in_bulk({case.matter_version_id for case in cases})
    for case in cases:
        case.matter_version = versions[case.matter_version_id]
        promised, statutory = deadlines.compute_case_deadlines(case)
        case.promised_due = promised.date
        case.statutory_due = statutory.date
        case.deadline_provisional = promised.provisional or statutory.provisional
    _write_deadlines(cases)
    return cases


def _write_deadlines(cases: list[Case]) -> None:
    """Write the new deadlines with one UPDATE per distinct (promised, statutory, flag).

    Cases of one matter accepted on the same day mostly share their dates, so a batch
    needs few statements, and the ORM keeps the SQL portable.
    """
    groups: dict[tuple, list[int]] = {}
    for case in cases:
        key = (case.promised_due, case.statutory_due, case.deadline_provisional)
        groups.setdefault(key, []).append(case.pk)
    for (promised, statutory, provisional), pks in groups.items():
        Case.objects.filter(pk__in=pks).update(
            promised_due=promised,
            statutory_due=statutory,
            deadline_provisional=provisional,
        )
