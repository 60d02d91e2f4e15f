"""Staff reads of credit records, scoped by centre and by the caller's department."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from onestop.core.audit import record_event
from onestop.core.models import Centre, Role
from onestop.core.permissions import require_role, staff_roles
from onestop.credit.actions import RECORDING_ROLES
from onestop.credit.errors import RecordNotFound
from onestop.credit.models import CreditRecord, SubjectType
from onestop.credit.subjects import Subject, parse_subject
from onestop.identity.models import Enterprise, Person


def visible_records(actor: Any, centre: Centre) -> QuerySet[CreditRecord]:
    """Return the centre's records the actor may read: their department's, or all.

    Supervisors see every record of the centre, reviewers and department admins only
    their own department's. Anyone else gets a permission error.
    """
    require_role(actor, RECORDING_ROLES, centre=centre)
    records = CreditRecord.objects.for_centre(centre).select_related(
        "centre", "department"
    )
    roles = staff_roles(actor)
    if any(m.role == Role.SUPERVISOR and m.centre_id == centre.pk for m in roles):
        return records
    departments = [
        m.department_id
        for m in roles
        if m.centre_id == centre.pk and m.role in RECORDING_ROLES
    ]
    return records.filter(department_id__in=departments)


def records_of_subject(
    actor: Any, centre: Centre, subject_type: str, subject_code: str
) -> list[CreditRecord]:
    """Return the visible records of one subject in record order.

    Each search is audited as `person.credit_records_searched` or
    `enterprise.credit_records_searched`, because it shows a subject's credit file. The
    event contains the person's or enterprise's id and the count, never the code.
    """
    subject = parse_subject(subject_type, subject_code)
    membership = require_role(actor, RECORDING_ROLES, centre=centre)
    records = list(
        visible_records(actor, centre)
        .filter(subject_reference=subject.reference)
        .order_by("pk")
    )
    # A subject that is not registered is audited too, with an empty object id.
    record_event(
        actor=actor,
        actor_role=membership.role,
        verb=f"{subject.type}.credit_records_searched",
        object_type=subject.type,
        object_id=_registered_id(subject) or "",
        centre=centre,
        data={"count": len(records)},
    )
    return records


def _registered_id(subject: Subject) -> int | None:
    if subject.type == SubjectType.PERSON:
        people = Person.objects.filter(id_number=subject.code)
        return people.values_list("pk", flat=True).first()
    enterprises = Enterprise.objects.filter(uscc=subject.code)
    return enterprises.values_list("pk", flat=True).first()


def get_record_for(actor: Any, centre: Centre, record_id: int) -> CreditRecord:
    """Return a visible record or raise RecordNotFound, also for other departments'."""
    record = visible_records(actor, centre).filter(pk=record_id).first()
    if record is None:
        raise RecordNotFound(record_id=record_id)
    return record
