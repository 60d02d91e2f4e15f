"""Look-ups of applicants by their codes, for the window and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onestop.core import rows
from onestop.core.errors import NotFound
from onestop.identity.codes import parse_resident_id, parse_uscc
from onestop.identity.models import Enterprise, Person


class PersonNotFound(NotFound):
    code = "identity.person_not_found"
    message = _(
        "No person with the ID number %(masked)s is registered. Register the applicant first."
    )


class EnterpriseNotFound(NotFound):
    code = "identity.enterprise_not_found"
    message = _("No enterprise with the code %(uscc)s is registered.")


def find_person_by_id_number(id_number: str) -> Person:
    resident = parse_resident_id(id_number)
    person = rows.fetch_one(Person, {"id_number": resident.number})
    if person is None:
        raise PersonNotFound(masked=resident.masked)
    return person


def find_enterprise(uscc: str) -> Enterprise | None:
    """Return the enterprise with the code, None for an empty code, or raise for an unknown one."""
    if not uscc.strip():
        return None
    code = parse_uscc(uscc).code
    enterprise = get_enterprise(code)
    if enterprise is None:
        raise EnterpriseNotFound(uscc=code)
    return enterprise


def get_enterprise(uscc: str) -> Enterprise | None:
    """Return the enterprise registered with the code, which is in its normalised form
    (`parse_uscc`), or None when no enterprise has it."""
    return rows.fetch_one(Enterprise, {"uscc": uscc})
