"""Subjects of credit records: validated codes, ledger references and masked labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onestop.core.errors import OneStopError, echoed
from onestop.core.ledger.actions import subject_reference
from onestop.credit.errors import NotAPerson, NotTheSubject, SubjectTypeInvalid
from onestop.credit.models import SubjectType
from onestop.identity.agency import check_verified_agent, verified_enterprises
from onestop.identity.codes import (
    mask_id_number,
    mask_name,
    parse_resident_id,
    parse_uscc,
)
from onestop.identity.field_errors import FieldErrors
from onestop.identity.models import Enterprise, Person


@dataclass(frozen=True)
class Subject:
    type: str
    code: str

    @property
    def reference(self) -> str:
        return subject_reference(self.code)

    @property
    def masked_code(self) -> str:
        return mask_id_number(self.code)


def parse_subject(subject_type: str, code: str) -> Subject:
    """Validate an ID number or credit code for its subject type."""
    if subject_type == SubjectType.PERSON:
        return Subject(SubjectType.PERSON, parse_resident_id(code).number)
    if subject_type == SubjectType.ENTERPRISE:
        return Subject(SubjectType.ENTERPRISE, parse_uscc(code).code)
    raise SubjectTypeInvalid(subject_type=echoed(subject_type))


def check_subject(subject_type: str, code: str, errors: FieldErrors) -> Subject:
    """Return the validated subject, or the subject as sent after adding its problems
    to `errors`, which the caller raises before it uses the subject.

    With an unknown subject type, the code is reported only when it is neither a
    resident ID number nor a unified social credit code. A code of digits, with a
    final X or not, then gets the ID number's error, and any other code the credit
    code's error.
    """
    try:
        return parse_subject(subject_type, code)
    except SubjectTypeInvalid as error:
        errors.add("subject_type", error)
    except OneStopError as error:
        errors.add("subject_code", error)
        return Subject(subject_type, code)

    code_errors: list[OneStopError] = []
    for subject_type_tried in (SubjectType.PERSON, SubjectType.ENTERPRISE):
        try:
            parse_subject(subject_type_tried, code)
        except OneStopError as error:
            code_errors.append(error)
        else:
            return Subject(subject_type, code)
    digits = code[:-1].isdecimal() and (code[-1:].isdecimal() or code[-1:] in "Xx")
    errors.add("subject_code", code_errors[0] if digits else code_errors[1])
    return Subject(subject_type, code)


def subject_of_actor(actor: Any, enterprise_uscc: str = "") -> Subject:
    """Return the signed-in person, or an enterprise they are an agent of.

    Raises NotAPerson when the actor is no registered person, AgencyNotVerified when
    their claim to act for the enterprise is pending, and NotTheSubject when they are
    not a verified agent of it.
    """
    person = _person_of(actor)
    if not enterprise_uscc.strip():
        if person is None:
            raise NotAPerson()
        return Subject(SubjectType.PERSON, person.id_number)

    subject = parse_subject(SubjectType.ENTERPRISE, enterprise_uscc)
    enterprise = Enterprise.objects.filter(uscc=subject.code).first()
    if person is None or enterprise is None:
        raise NotTheSubject(subject=subject.code)
    check_verified_agent(person, enterprise, NotTheSubject(subject=subject.code))
    return subject


def represented_subjects(actor: Any) -> list[Subject]:
    """Return the person of the actor and every enterprise they are a verified agent of."""
    person = _person_of(actor)
    if person is None:
        return []
    codes = verified_enterprises(person).values_list("uscc", flat=True)
    return [Subject(SubjectType.PERSON, person.id_number)] + [
        Subject(SubjectType.ENTERPRISE, code) for code in codes
    ]


def _person_of(actor: Any) -> Person | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Person.objects.filter(user_id=actor.pk).first()


def masked_name_of(subject: Subject) -> str:
    """Return the masked registered name of the subject, or "" when unregistered."""
    if subject.type == SubjectType.PERSON:
        person = Person.objects.filter(id_number=subject.code).first()
        return mask_name(person.name) if person else ""
    enterprise = Enterprise.objects.filter(uscc=subject.code).first()
    return mask_name(enterprise.name) if enterprise else ""
