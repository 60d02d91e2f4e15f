"""Staff reads of credit records, scoped by centre and by the caller's department."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from onestop.core.models import Centre, Role
from onestop.core.permissions import require_role, staff_roles
from onestop.credit.actions import RECORDING_ROLES
from onestop.credit.errors import RecordNotFound
from onestop.credit.models import CreditRecord
from onestop.credit.subjects import parse_subject


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
    """Return the visible records of one subject in record order."""
    subject = parse_subject(subject_type, subject_code)
    return list(
        visible_records(actor, centre)
        .filter(subject_reference=subject.reference)
        .order_by("pk")
    )


def get_record_for(actor: Any, centre: Centre, record_id: int) -> CreditRecord:
    """Return a visible record or raise RecordNotFound, also for other departments'."""
    record = visible_records(actor, centre).filter(pk=record_id).first()
    if record is None:
        raise RecordNotFound(record_id=record_id)
    return record
