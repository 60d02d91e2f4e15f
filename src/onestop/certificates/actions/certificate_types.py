"""Syncing a centre's certificate types from the entries of a catalogue pack."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from onestop.certificates.models import CertificateType, HolderKind
from onestop.core.audit import record_event
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Department, Role
from onestop.core.permissions import require_role

from .shared import SYSTEM

log = get_logger(__name__)


def sync_certificate_types(
    *, actor: Any, centre: Centre, entries: Iterable[Mapping[str, Any]]
) -> list[CertificateType]:
    """Create or update the centre's certificate types from catalogue pack entries.

    Each entry has the pack's fields: code, name, defining_body, issuing_department (a
    department role key of the centre), holder_kind ("111" or "001"), validity ({"rule":
    "years", "years": n}, {"rule": "by_age", "terms": [{"below_age", "years"}]},
    "long_term" or "varies"), face_fields and the optional one_valid_per_holder
    (default false). Types missing from `entries` are left as
    they are, because certificates may still refer to them.
    """
    role = _check_centre_admin(actor, centre)
    departments = {
        department.role_key: department
        for department in Department.objects.for_centre(centre)
    }

    with transaction.atomic():
        synced = []
        for entry in entries:
            validity = entry.get("validity") or {}
            years = validity.get("years") if validity.get("rule") == "years" else None
            by_age = validity.get("terms") if validity.get("rule") == "by_age" else None
            certificate_type, _created = CertificateType.objects.update_or_create(
                centre=centre,
                code=str(entry["code"]),
                defaults={
                    "name": str(entry["name"]),
                    "defining_body": str(entry.get("defining_body", "")),
                    "holder_kind": str(entry.get("holder_kind", HolderKind.PERSON)),
                    "validity_years": int(years) if years else None,
                    "validity_by_age": [
                        {
                            "below_age": int(term["below_age"]),
                            "years": int(term["years"]),
                        }
                        for term in by_age or []
                    ],
                    "face_fields": list(entry.get("face_fields") or []),
                    "one_valid_per_holder": bool(
                        entry.get("one_valid_per_holder", False)
                    ),
                    "issuing_department": departments.get(
                        str(entry.get("issuing_department", ""))
                    ),
                },
            )
            synced.append(certificate_type)

        record_event(
            actor=actor,
            actor_role=role,
            verb="certificate_types.synced",
            object_type="centre",
            object_id=centre.pk,
            centre=centre,
            data={"count": len(synced)},
        )
    log.info("certificate_types.synced", centre_id=centre.pk, count=len(synced))
    return synced


def _check_centre_admin(actor: Any, centre: Centre) -> str:
    if actor is None:
        return SYSTEM
    return require_role(actor, (Role.CENTRE_ADMIN,), centre=centre).role
