"""Recording that the window posted a case's result (邮寄送达) to the applicant, and
correcting a recorded posting."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases import reasons
from onestop.cases.actions.roles import WINDOW_ROLES
from onestop.cases.actions.transitions import _lock, _record_event, _reload
from onestop.cases.errors import (
    PostingAlreadyRecorded,
    PostingCarrierInvalid,
    PostingCorrectionInvalid,
    PostingDateInvalid,
    PostingInvalid,
    PostingNotRecorded,
    PostingNotRequested,
    PostingUnchanged,
    ReasonAction,
    ReasonCharacterInvalid,
    ReasonRequired,
    ReasonTooLong,
    TrackingNumberInvalid,
)
from onestop.cases.formdata import postal_address
from onestop.cases.models import Case, CaseEvent, CaseState
from onestop.cases.recusal import audits_own_case_rejection, check_not_own_case
from onestop.cases.workflow import CORRECT_POSTING, POSTING_ACTIONS, RECORD_POSTING
from onestop.core.dates import LOCAL_ZONE, TypedDateInvalid, parse_typed_date
from onestop.core.errors import Coded, InvalidTransition, echoed, named_code_point
from onestop.core.full_width import fold_full_width
from onestop.core.ideographs import is_printable
from onestop.core.logging import get_logger
from onestop.core.permissions import require_role
from onestop.identity.field_errors import FieldErrors

log = get_logger(__name__)

MAX_CARRIER_LENGTH = 50
# NOTE: the bounds are an estimate, wide enough for the 13 characters of an EMS number
# in the UPU S10 form (EA123456789CN) and the longer numbers of domestic carriers.
MIN_TRACKING_LENGTH = 6
MAX_TRACKING_LENGTH = 40
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9-]+")
# The keys of the posting values in the data of a posting event.
POSTING_FIELDS = ("posted_on", "carrier", "tracking_number")


@dataclass(frozen=True)
class Posting:
    """A posting as the clerk typed it: the date (YYYY-MM-DD), carrier and waybill."""

    posted_on: str
    carrier: str
    tracking_number: str


@audits_own_case_rejection
def record_posting(*, actor: Any, case: Case, posting: Posting) -> Case:
    """Record that the window posted the result to the address the applicant gave.

    A clerk who applied for the case, or is an agent of its enterprise, gets OwnCase.
    The case stays `result_issued`, so the applicant can still mark it received, and
    gets a CaseEvent `record_posting` whose data has the posting date, carrier and
    tracking number. A case has at most one posting, so a second raises
    PostingAlreadyRecorded (409), and correct_posting changes its values. The date
    must lie between the day the result was issued and today in Beijing time. Every
    invalid field is reported in one error (PostingInvalid when there are several),
    and nothing is saved when a check fails.
    """
    with transaction.atomic():
        case = _lock(case)
        membership = require_role(actor, WINDOW_ROLES, centre=case.centre)
        check_not_own_case(actor, case, role=membership.role, action=RECORD_POSTING)
        _check_result_issued(case, Coded(RECORD_POSTING, _("recording the posting")))
        _check_postable(case)
        errors = FieldErrors(PostingInvalid)
        values = _clean_posting(errors, case, posting)
        errors.raise_if_any()
        _record_event(
            case,
            actor=actor,
            actor_role=membership.role,
            action=RECORD_POSTING,
            previous=case.state,
            data=values,
        )

    log.info("case.result_posted", case_id=case.pk, centre_id=case.centre_id)
    return _reload(case)


@audits_own_case_rejection
def correct_posting(*, actor: Any, case: Case, posting: Posting, reason: str) -> Case:
    """Replace the values of the case's recorded posting, such as a mistyped tracking
    number, and state why.

    The same roles, state and field rules apply as for record_posting. The case gets a
    CaseEvent `correct_posting` with the reason, whose data has the new posting date,
    carrier and tracking number and, under `replaced`, the values they replace. The
    earlier events stay as they are, and `recorded_posting` returns the new one.
    Raises PostingNotRecorded (409) when the case has no posting, every invalid field
    and the reason in one error (PostingCorrectionInvalid when there are several), and
    PostingUnchanged when the values are the current ones. Nothing is saved when a
    check fails.
    """
    with transaction.atomic():
        case = _lock(case)
        membership = require_role(actor, WINDOW_ROLES, centre=case.centre)
        check_not_own_case(actor, case, role=membership.role, action=CORRECT_POSTING)
        _check_result_issued(
            case, Coded(CORRECT_POSTING, ReasonAction.CORRECT_POSTING.label)
        )
        current = recorded_posting(case)
        if current is None:
            raise PostingNotRecorded(number=case.number)
        errors = FieldErrors(PostingCorrectionInvalid)
        values = _clean_posting(errors, case, posting)
        cleaned_reason = errors.check("reason", _clean_correction_reason, reason)
        errors.raise_if_any()
        replaced = _posting_values(current)
        if values == replaced:
            raise PostingUnchanged(number=case.number, **replaced)
        _record_event(
            case,
            actor=actor,
            actor_role=membership.role,
            action=CORRECT_POSTING,
            previous=case.state,
            reason=cleaned_reason or "",
            data={**values, "replaced": replaced},
        )

    log.info("case.posting_corrected", case_id=case.pk, centre_id=case.centre_id)
    return _reload(case)


def recorded_posting(case: Case) -> CaseEvent | None:
    """Return the event with the case's current posting: its latest `record_posting`
    or `correct_posting`, or None when no posting is recorded."""
    return case.events.filter(action__in=POSTING_ACTIONS).order_by("-at", "-pk").first()


def _posting_values(event: CaseEvent) -> dict[str, str]:
    """Return the posting date, carrier and tracking number of a posting event."""
    return {key: str(event.data.get(key, "")) for key in POSTING_FIELDS}


def _check_result_issued(case: Case, action: Coded) -> None:
    if case.state != CaseState.RESULT_ISSUED:
        raise InvalidTransition(state=CaseState(case.state), action=action)


def _check_postable(case: Case) -> None:
    """Raise unless the case's applicant chose postal delivery and no posting is
    recorded yet."""
    if not postal_address(case.matter_version.guide.form_fields, case.form_data):
        raise PostingNotRequested(number=case.number)
    recorded = recorded_posting(case)
    if recorded is not None:
        raise PostingAlreadyRecorded(number=case.number, **_posting_values(recorded))


def _clean_posting(errors: FieldErrors, case: Case, posting: Posting) -> dict[str, str]:
    """Return the posting's values as a posting event stores them.

    Each invalid field's error goes into `errors` and its value is then "", so the
    caller raises `errors` before it uses the values.
    """
    posted_on = errors.check(
        "posted_on",
        lambda text: _clean_posted_on(text, case).isoformat(),
        posting.posted_on,
    )
    carrier = errors.check("carrier", _clean_carrier, posting.carrier)
    tracking_number = errors.check(
        "tracking_number", _clean_tracking_number, posting.tracking_number
    )
    return {
        "posted_on": posted_on or "",
        "carrier": carrier or "",
        "tracking_number": tracking_number or "",
    }


def _clean_correction_reason(text: str) -> str:
    """Return the reason trimmed, or raise when it is missing, longer than
    `reasons.MAX_LENGTH` or has a character other than a visible one or a line break."""
    action = ReasonAction.CORRECT_POSTING
    reason = reasons.clean_reason(
        text,
        missing=ReasonRequired(action=action),
        too_long=ReasonTooLong,
        action=action,
    )
    for character in reason:
        if character != "\n" and not is_printable(character):
            raise ReasonCharacterInvalid(
                action=action, character=named_code_point(character)
            )
    return reason


def _clean_posted_on(text: str, case: Case) -> datetime.date:
    """Return the typed posting date, or raise when it is not a day from the result's
    issue to today."""
    today = timezone.now().astimezone(LOCAL_ZONE).date()
    issued_at = case.result_issued_at or timezone.now()
    earliest = issued_at.astimezone(LOCAL_ZONE).date()
    invalid = PostingDateInvalid(
        date=echoed(text), earliest=earliest.isoformat(), latest=today.isoformat()
    )
    try:
        posted_on = parse_typed_date(text)
    except TypedDateInvalid:
        raise invalid from None
    if not earliest <= posted_on <= today:
        raise invalid
    return posted_on


def _clean_carrier(text: str) -> str:
    carrier = text.strip()
    if not 1 <= len(carrier) <= MAX_CARRIER_LENGTH or not all(
        is_printable(character) for character in carrier
    ):
        raise PostingCarrierInvalid(carrier=echoed(text), max=MAX_CARRIER_LENGTH)
    return carrier


def _clean_tracking_number(text: str) -> str:
    """Return the waybill number with full-width characters folded and in capitals."""
    number = fold_full_width(text).strip().upper()
    if (
        not MIN_TRACKING_LENGTH <= len(number) <= MAX_TRACKING_LENGTH
        or TRACKING_NUMBER.fullmatch(number) is None
    ):
        raise TrackingNumberInvalid(
            tracking_number=echoed(text),
            min=MIN_TRACKING_LENGTH,
            max=MAX_TRACKING_LENGTH,
        )
    return number
