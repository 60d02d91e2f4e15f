"""Recording that the window posted a case's result (邮寄送达) to the applicant."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.actions.roles import WINDOW_ROLES
from onestop.cases.actions.transitions import _lock, _record_event, _reload
from onestop.cases.errors import (
    PostingAlreadyRecorded,
    PostingCarrierInvalid,
    PostingDateInvalid,
    PostingInvalid,
    PostingNotRequested,
    TrackingNumberInvalid,
)
from onestop.cases.formdata import postal_address
from onestop.cases.models import Case, CaseEvent, CaseState
from onestop.cases.workflow import RECORD_POSTING
from onestop.core.dates import LOCAL_ZONE, TypedDateInvalid, parse_typed_date
from onestop.core.errors import Coded, InvalidTransition, echoed
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


@dataclass(frozen=True)
class Posting:
    """A posting as the clerk typed it: the date (YYYY-MM-DD), carrier and waybill."""

    posted_on: str
    carrier: str
    tracking_number: str


def record_posting(*, actor: Any, case: Case, posting: Posting) -> Case:
    """Record that the window posted the result to the address the applicant gave.

    The case stays `result_issued`, so the applicant can still mark it received, and
    gets a CaseEvent `record_posting` whose data has the posting date, carrier and
    tracking number. A case has at most one posting, so a second raises
    PostingAlreadyRecorded (409). The date must lie between the day the result was
    issued and today in Beijing time. Every invalid field is reported in one error
    (PostingInvalid when there are several), and nothing is saved when a check fails.
    """
    with transaction.atomic():
        case = _lock(case)
        membership = require_role(actor, WINDOW_ROLES, centre=case.centre)
        _check_postable(case)
        errors = FieldErrors(PostingInvalid)
        posted_on = errors.check(
            "posted_on", lambda text: _clean_posted_on(text, case), posting.posted_on
        )
        carrier = errors.check("carrier", _clean_carrier, posting.carrier)
        tracking_number = errors.check(
            "tracking_number", _clean_tracking_number, posting.tracking_number
        )
        errors.raise_if_any()
        # raise_if_any raised when the date was invalid, so it is parsed here.
        posted_on = cast(datetime.date, posted_on)
        _record_event(
            case,
            actor=actor,
            actor_role=membership.role,
            action=RECORD_POSTING,
            previous=case.state,
            data={
                "posted_on": posted_on.isoformat(),
                "carrier": carrier,
                "tracking_number": tracking_number,
            },
        )

    log.info("case.result_posted", case_id=case.pk, centre_id=case.centre_id)
    return _reload(case)


def recorded_posting(case: Case) -> CaseEvent | None:
    """Return the case's `record_posting` event, or None when none is recorded."""
    return case.events.filter(action=RECORD_POSTING).first()


def _check_postable(case: Case) -> None:
    """Raise unless the case's result is issued, its applicant chose postal delivery
    and no posting is recorded yet."""
    if case.state != CaseState.RESULT_ISSUED:
        raise InvalidTransition(
            state=CaseState(case.state),
            action=Coded(RECORD_POSTING, _("recording the posting")),
        )
    if not postal_address(case.matter_version.guide.form_fields, case.form_data):
        raise PostingNotRequested(number=case.number)
    recorded = recorded_posting(case)
    if recorded is not None:
        raise PostingAlreadyRecorded(
            number=case.number,
            posted_on=recorded.data.get("posted_on", ""),
            carrier=recorded.data.get("carrier", ""),
            tracking_number=recorded.data.get("tracking_number", ""),
        )


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
