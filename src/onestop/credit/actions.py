"""Credit record writes: record a fact, correct it, revoke it. Records are never edited.

Each action runs in one transaction, writes an audit event and queues a "credit.record"
ledger entry with the SHA-256 of the record's canonical document. Consents and reports
are in `consents.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from onestop.cases.queries import (
    can_be_case_number,
    normalise_case_number,
    visible_cases,
)
from onestop.core.audit import record_event
from onestop.core.dates import TypedDateInvalid, parse_typed_date
from onestop.core.errors import echoed
from onestop.core.ledger.actions import queue_entry, subject_reference
from onestop.core.logging import (
    find_personal_number,
    get_logger,
    mask_typed_personal_text,
)
from onestop.core.models import Centre, Department, Role
from onestop.core.permissions import require_role
from onestop.credit.documents import (
    LEDGER_KIND,
    document_sha256,
    ledger_body,
    record_document,
)
from onestop.credit.errors import (
    CaseNotLinkable,
    CaseOfOtherDepartment,
    CaseOfOtherSubject,
    DateInFuture,
    DateInvalid,
    DateNotADay,
    DatesInvalid,
    FieldMissing,
    FieldTooLong,
    KindInvalid,
    PersonalDataInText,
    RecordInvalid,
    RecordRevoked,
    RecordSuperseded,
)
from onestop.credit.models import CreditKind, CreditRecord, RecordAction, SubjectType
from onestop.credit.subjects import Subject, check_subject
from onestop.identity.field_errors import FieldErrors

log = get_logger(__name__)

RECORDING_ROLES = (Role.REVIEWER, Role.DEPARTMENT_ADMIN, Role.SUPERVISOR)
_MAX_LENGTHS = {
    "legal_basis": 2000,
    "facts": 4000,
    "list_name": 200,
    "case_number": 32,
}
# Dates that must not be after the centre's local date when the record is written.
_PAST_DATES = ("decided_on", "listed_on")
# Free text that recipients read. Case numbers are not checked, because they have 18
# digits like an ID number.
_CHECKED_FOR_PERSONAL_DATA = ("legal_basis", "facts", "list_name")


@dataclass(frozen=True)
class RecordFacts:
    """The statement of a credit record, without its subject and department.

    A date may be the text that a request sent, which `check_facts` parses.
    """

    kind: str
    legal_basis: str
    facts: str
    decided_on: dt.date | str
    list_name: str = ""
    listed_on: dt.date | str | None = None
    delisted_on: dt.date | str | None = None
    case_number: str = ""


def record_credit(
    *,
    actor: Any,
    centre: Centre,
    department: Department,
    subject_type: str,
    subject_code: str,
    facts: RecordFacts,
) -> CreditRecord:
    """Record a credit fact about a person or an enterprise for a department."""
    membership = require_role(
        actor, RECORDING_ROLES, centre=centre, department=department
    )
    errors = FieldErrors(RecordInvalid)
    subject = check_subject(subject_type, subject_code, errors)
    facts = check_case(facts, actor, centre, department, subject, errors)
    facts = check_facts(facts, errors=errors)
    return _create(
        actor=actor,
        actor_role=membership.role,
        centre=centre,
        department=department,
        subject_type=subject.type,
        subject_code=subject.code,
        facts=facts,
        action=RecordAction.RECORD,
    )


def correct_credit_record(
    previous: CreditRecord, *, actor: Any, facts: RecordFacts
) -> CreditRecord:
    """Append a record that replaces the facts of `previous`, which stays as it was."""
    return _supersede(previous, actor=actor, facts=facts, action=RecordAction.CORRECT)


def revoke_credit_record(
    previous: CreditRecord, *, actor: Any, reason: str, legal_basis: str
) -> CreditRecord:
    """Append a record that revokes `previous`, with the reason as its facts."""
    facts = RecordFacts(
        kind=previous.kind,
        legal_basis=legal_basis,
        facts=reason,
        decided_on=timezone.localdate(),
        list_name=previous.list_name,
        listed_on=previous.listed_on,
        delisted_on=previous.delisted_on,
        case_number=previous.case_number,
    )
    return _supersede(
        previous,
        actor=actor,
        facts=facts,
        action=RecordAction.REVOKE,
        fact_field="reason",
    )


def check_case(
    facts: RecordFacts,
    actor: Any,
    centre: Centre,
    department: Department,
    subject: Subject,
    errors: FieldErrors,
) -> RecordFacts:
    """Return `facts` with the case number as cases store it, after adding to `errors`
    the problem of a case that the record may not name.

    The case must be one of `centre` that the actor may read (`visible_cases`), of the
    record's department, and filed by the subject: the person as applicant or agent, or
    the enterprise. An empty case number names no case and passes. A number longer
    than its maximum is left to `check_facts`, which reports its length.
    """
    text = facts.case_number.strip()
    if not text or len(text) > _MAX_LENGTHS["case_number"]:
        return facts
    number = normalise_case_number(text)
    case = None
    if can_be_case_number(number):
        case = visible_cases(actor).filter(centre=centre, number=number).first()
    echoed_number = echoed(mask_typed_personal_text(text))
    if case is None:
        errors.add(
            "case_number", CaseNotLinkable(number=echoed_number, centre=centre.name)
        )
    elif case.department_id != department.pk:
        other_department = CaseOfOtherDepartment(
            number=echoed_number,
            case_department=case.department.name,
            department=department.name,
        )
        errors.add("case_number", other_department)
    elif not _subject_filed(case, subject, errors):
        errors.add("case_number", CaseOfOtherSubject(number=echoed_number))
    return replace(facts, case_number=number)


def _subject_filed(case: Any, subject: Subject, errors: FieldErrors) -> bool:
    # An invalid subject has its own error already, so the case is not compared.
    if "subject_type" in errors.errors or "subject_code" in errors.errors:
        return True
    if subject.type == SubjectType.PERSON:
        return bool(case.person.id_number == subject.code)
    return case.enterprise is not None and case.enterprise.uscc == subject.code


def check_facts(
    facts: RecordFacts,
    *,
    fact_field: str = "facts",
    errors: FieldErrors | None = None,
) -> RecordFacts:
    """Validate and trim the facts of a record, and parse their dates.

    Raises one error for every problem found, with those that the caller added to
    `errors` already (一次性告知): the problem's own error for one field, and
    RecordInvalid, which lists them in `details.fields`, for several.
    """
    errors = errors if errors is not None else FieldErrors(RecordInvalid)
    if facts.kind not in CreditKind.values:
        errors.add("kind", KindInvalid(kind=echoed(facts.kind)))
    facts = replace(
        facts,
        legal_basis=facts.legal_basis.strip(),
        facts=facts.facts.strip(),
        list_name=facts.list_name.strip(),
        case_number=facts.case_number.strip(),
        decided_on=_parsed_date("decided_on", facts.decided_on, errors),
        listed_on=_parsed_optional_date("listed_on", facts.listed_on, errors),
        delisted_on=_parsed_optional_date("delisted_on", facts.delisted_on, errors),
    )
    labels = {"facts": fact_field}
    _check_texts(facts, labels, errors)

    required = ["legal_basis", "facts"]
    if facts.kind == CreditKind.DISHONESTY_LIST:
        required += ["list_name", "listed_on"]
    for name in required:
        label = labels.get(name, name)
        if getattr(facts, name) in ("", None):
            errors.add(label, FieldMissing(field=label, kind=echoed(facts.kind)))

    listed_on, delisted_on = facts.listed_on, facts.delisted_on
    if (
        isinstance(listed_on, dt.date)
        and isinstance(delisted_on, dt.date)
        and delisted_on < listed_on
    ):
        errors.add(
            "delisted_on", DatesInvalid(listed_on=listed_on, delisted_on=delisted_on)
        )
    _check_not_future(facts, errors)
    errors.raise_if_any()
    return facts


def _parsed_optional_date(
    name: str, value: dt.date | str | None, errors: FieldErrors
) -> dt.date | str | None:
    return None if value is None else _parsed_date(name, value, errors)


def _parsed_date(name: str, value: dt.date | str, errors: FieldErrors) -> dt.date | str:
    """Return the date `value`, parsing a text in the form YYYY-MM-DD, or the text as
    it was after adding the reason to `errors` when it is no date."""
    if isinstance(value, dt.date):
        return value
    try:
        return parse_typed_date(value)
    except TypedDateInvalid as error:
        if error.not_a_day:
            errors.add(name, DateNotADay(field=name, value=echoed(value)))
        else:
            errors.add(name, DateInvalid(field=name, value=echoed(value)))
        return value


def _check_texts(
    facts: RecordFacts, labels: dict[str, str], errors: FieldErrors
) -> None:
    """Add to `errors` each text longer than its maximum, and each text that contains
    an ID number or a phone number."""
    for name, maximum in _MAX_LENGTHS.items():
        value = getattr(facts, name)
        label = labels.get(name, name)
        if len(value) > maximum:
            too_long = FieldTooLong(field=label, length=len(value), maximum=maximum)
            errors.add(label, too_long)
            continue
        if name in _CHECKED_FOR_PERSONAL_DATA:
            number = find_personal_number(value)
            if number:
                errors.add(label, PersonalDataInText(field=label, number=number))


def _check_not_future(facts: RecordFacts, errors: FieldErrors) -> None:
    # A record states a decision or a listing that has happened. The delisting date
    # may lie ahead, because it can be the end of the listing period that the decision
    # set.
    today = timezone.localdate()
    for name in _PAST_DATES:
        value = getattr(facts, name)
        if isinstance(value, dt.date) and value > today:
            errors.add(
                name, DateInFuture(field=name, date=value.isoformat(), today=today)
            )


def _supersede(
    previous: CreditRecord,
    *,
    actor: Any,
    facts: RecordFacts,
    action: str,
    fact_field: str = "facts",
) -> CreditRecord:
    """Append a record of the same subject and department that supersedes `previous`."""
    membership = require_role(
        actor, RECORDING_ROLES, centre=previous.centre, department=previous.department
    )
    errors = FieldErrors(RecordInvalid)
    if action == RecordAction.CORRECT:
        # A revocation keeps the case of the record it revokes, so only a correction
        # links a case that needs checking.
        subject = Subject(previous.subject_type, previous.subject_code)
        facts = check_case(
            facts, actor, previous.centre, previous.department, subject, errors
        )
    return _create(
        actor=actor,
        actor_role=membership.role,
        centre=previous.centre,
        department=previous.department,
        subject_type=previous.subject_type,
        subject_code=previous.subject_code,
        facts=check_facts(facts, fact_field=fact_field, errors=errors),
        action=action,
        supersedes=previous,
    )


def _lock_latest(previous: CreditRecord) -> CreditRecord:
    locked = CreditRecord.objects.select_for_update().get(pk=previous.pk)
    successor = CreditRecord.objects.filter(supersedes=locked).first()
    if successor is not None:
        raise RecordSuperseded(record_id=locked.pk, superseded_by=successor.pk)
    if locked.action == RecordAction.REVOKE:
        raise RecordRevoked(record_id=locked.pk)
    return locked


@transaction.atomic
def _create(
    *,
    actor: Any,
    actor_role: str,
    centre: Centre,
    department: Department,
    subject_type: str,
    subject_code: str,
    facts: RecordFacts,
    action: str,
    supersedes: CreditRecord | None = None,
) -> CreditRecord:
    """Write the record of checked facts with its ledger entry and audit event.

    A record that supersedes another locks it first and fails when it was already
    superseded or revoked.
    """
    if supersedes is not None:
        supersedes = _lock_latest(supersedes)

    record = CreditRecord(
        centre=centre,
        department=department,
        subject_type=subject_type,
        subject_code=subject_code,
        subject_reference=subject_reference(subject_code),
        kind=facts.kind,
        action=action,
        legal_basis=facts.legal_basis,
        facts=facts.facts,
        decided_on=facts.decided_on,
        list_name=facts.list_name,
        listed_on=facts.listed_on,
        delisted_on=facts.delisted_on,
        case_number=facts.case_number,
        supersedes=supersedes,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record.save()

    record.sha256 = document_sha256(record_document(record))
    body = ledger_body(record, record.sha256, subject_reference(department.uscc))
    record.ledger_entry = queue_entry(LEDGER_KIND, body, centre=centre)
    record.save(update_fields=["sha256", "ledger_entry"])

    record_event(
        actor=actor,
        actor_role=actor_role,
        verb=f"credit.{action}",
        object_type="credit_record",
        object_id=record.pk,
        centre=centre,
        data={
            "kind": record.kind,
            "department_id": department.pk,
            "supersedes": record.supersedes_id,
            "sha256": record.sha256,
        },
    )
    log.info(
        "credit.record_written",
        credit_record_id=record.pk,
        action=action,
        centre_id=centre.pk,
        department_id=department.pk,
    )
    return record
