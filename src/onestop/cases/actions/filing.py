"""Filing a case online or at the window, and the applicant's withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from onestop.cases import deadlines, idempotency
from onestop.cases.actions.acceptance import _log_accepted, _schedule_acceptance_work
from onestop.cases.actions.materials import (
    Application,
    _atomic_removing_files,
    _record_checklist,
    _store_materials,
)
from onestop.cases.actions.numbering import _Claim, _claim_case
from onestop.cases.actions.roles import APPLICANT, WINDOW_ROLES, _person_of
from onestop.cases.actions.transitions import (
    _end_pauses,
    _lock,
    _move,
    _record_event,
    _reload,
    _set_deadlines,
    _transition,
)
from onestop.cases.applicants import check_acts_as_applicant
from onestop.cases.errors import WithdrawalByApplicantOnly
from onestop.cases.models import Case, CaseEvent, CaseState, Channel, Submission
from onestop.cases.recusal import audits_own_case_rejection, check_not_own_application
from onestop.catalog.models import Matter
from onestop.core.bulk import insert_instances
from onestop.core.logging import get_logger
from onestop.core.models import Role
from onestop.core.permissions import require_role
from onestop.core.window_choice import find_requested_window, store_window_choice
from onestop.core.window_matters import check_window_takes_matter
from onestop.core.windows import window_label
from onestop.identity.models import Enterprise, Person

log = get_logger(__name__)


@dataclass(frozen=True)
class Filing:
    """The outcome of filing a case with an idempotency key: the case, and whether it is new.

    For a new window case, `submissions` and `events` are the rows just written, so that
    a response can show them without reading them back. Both are None otherwise.
    """

    case: Case
    created: bool
    submissions: list[Submission] | None = None
    events: list[CaseEvent] | None = None


def submit_online_case(
    *,
    actor: Any,
    matter: Matter,
    application: Application,
    enterprise: Enterprise | None = None,
    idempotency_key: str | None = None,
    channel: str = Channel.ONLINE,
) -> Filing:
    """File an online (or kiosk) application, which waits in the window's queue as
    submitted, or return the case that the same idempotency key filed.

    The same idempotency key from the same applicant returns the case it created first, so a
    double click or a retried request gives one case and uses one case number; the same key
    with a different application raises IdempotencyKeyReused.
    """
    person = _person_of(actor)
    sender = idempotency.Sender(user_id=actor.pk, channel=channel)
    with _claim_case(
        matter, person, enterprise, application, key=idempotency_key, sender=sender
    ) as claim:
        if claim.existing is not None:
            return Filing(case=_reload(claim.existing), created=False)
        with _atomic_removing_files() as written:
            case = _build_case(
                actor=actor,
                matter=matter,
                person=person,
                enterprise=enterprise,
                claim=claim,
                channel=channel,
            )
            insert_instances([case])
            _store_new_materials(
                case, application, actor=actor, role=APPLICANT, written=written
            )
            _transition(case, actor=actor, actor_role=APPLICANT, action="submit")
            Case.objects.filter(pk=case.pk).update(submitted_at=timezone.now())
    log.info(
        "case.submitted",
        case_id=case.pk,
        centre_id=case.centre_id,
        matter_code=matter.pack_id,
    )
    return Filing(case=_reload(case), created=True)


def withdraw_case(*, actor: Any, case: Case, reason: str) -> Case:
    """Withdraw the case on the applicant's request (see `cases.applicants` for who
    acts as the applicant)."""
    with transaction.atomic():
        case = _lock(case)
        check_acts_as_applicant(
            actor, case, WithdrawalByApplicantOnly(number=case.number)
        )
        _transition(
            case, actor=actor, actor_role=APPLICANT, action="withdraw", reason=reason
        )
        _end_pauses(case, None)
    return _reload(case)


def create_window_case(
    *,
    actor: Any,
    matter: Matter,
    person: Person,
    application: Application,
    enterprise: Enterprise | None = None,
    window: str | None = "",
    idempotency_key: str | None = None,
) -> Case:
    """Accept an application at the comprehensive window: the case enters as accepted.

    `window` is as `get_or_create_window_case` takes it.
    """
    return get_or_create_window_case(
        actor=actor,
        matter=matter,
        person=person,
        application=application,
        enterprise=enterprise,
        window=window,
        idempotency_key=idempotency_key,
    ).case


@audits_own_case_rejection
def get_or_create_window_case(
    *,
    actor: Any,
    matter: Matter,
    person: Person,
    application: Application,
    enterprise: Enterprise | None = None,
    window: str | None = "",
    idempotency_key: str | None = None,
) -> Filing:
    """Accept at the window, or return the case that this clerk's idempotency key created.

    `window` is the code of an active window of the matter's centre that accepts the
    matter, or empty for none. None uses the clerk's last window, and a code given
    becomes the clerk's last window.

    Requests with one key run one at a time (`named_lock`), so a double click gives one
    case and uses one case number. A new case is inserted already in state accepted, with
    its rows written by one INSERT each, and none of them is read back. The signed receipt
    and the applicant's notification follow from the outbox worker, through a message
    written in this transaction (see `receipts`).
    """
    role = require_role(actor, WINDOW_ROLES, centre=matter.centre).role
    check_not_own_application(
        actor, matter=matter, person=person, enterprise=enterprise, role=role
    )
    found_window = find_requested_window(actor, matter.centre, window, matter)
    check_window_takes_matter(found_window, matter)
    sender = idempotency.Sender(user_id=actor.pk, channel=Channel.WINDOW)
    with _claim_case(
        matter,
        person,
        enterprise,
        application,
        key=idempotency_key,
        sender=sender,
        window=found_window.code if found_window else "",
    ) as claim:
        if claim.existing is not None:
            return Filing(case=claim.existing, created=False)
        with _atomic_removing_files() as written:
            case = _build_case(
                actor=actor,
                matter=matter,
                person=person,
                enterprise=enterprise,
                claim=claim,
                channel=Channel.WINDOW,
            )
            case.accepted_at = case.created_at
            case.accepted_by = actor
            case.window = window_label(found_window)
            case.window_record = found_window
            previous = _move(case, "accept")
            case.revision = 1
            _set_deadlines(case, *deadlines.first_case_deadlines(case))
            insert_instances([case])
            submissions = _store_new_materials(
                case, application, actor=actor, role=Role.CLERK, written=written
            )
            event = _record_event(
                case,
                actor=actor,
                actor_role=Role.CLERK,
                action="accept",
                previous=previous,
                materials=submissions,
            )
            _schedule_acceptance_work(case, submissions)
            if window is not None:
                store_window_choice(actor, matter.centre, found_window)
    _log_accepted(case)
    return Filing(case=case, created=True, submissions=submissions, events=[event])


def _build_case(
    *,
    actor: Any,
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    claim: _Claim,
    channel: str,
) -> Case:
    """Return an unsaved draft case of the matter's current version."""
    return Case(
        centre=matter.centre,
        number=claim.number,
        matter=matter,
        matter_version=matter.current_version,
        department=matter.department,
        person=person,
        enterprise=enterprise,
        channel=channel,
        state=CaseState.DRAFT,
        form_data=claim.form_data,
        idempotency_key=claim.key or None,
        idempotency_digest=claim.digest if claim.key else "",
        created_by=actor,
        created_at=timezone.now(),
    )


def _store_new_materials(
    case: Case,
    application: Application,
    *,
    actor: Any,
    role: str,
    written: list[str],
) -> list[Submission]:
    """Store the materials of a case just inserted and return its submissions.

    `role` is the filer's: the applicant online, the clerk at the window.
    `_check_new_case` has already checked the application's materials against the
    matter, so the stored ones are not read back to check them again.
    """
    submissions = _store_materials(
        case, application, replace=False, actor=actor, role=role, written=written
    )
    if application.checklist:
        submissions += _record_checklist(
            case, application.checklist, stored=submissions
        )
    return submissions
