"""Writes to the catalogue: provisioning a centre from a pack, and new matter versions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.certificates.actions import sync_certificate_types
from onestop.catalog.models import Matter, MatterOrigin, MatterVersion, PackInstallation
from onestop.core.audit import record_event
from onestop.core.errors import InvalidInput
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Department
from onestop.identity.codes import parse_uscc
from onestop.regions.gb2260 import check_county_region

log = get_logger(__name__)

# Level digit of a county-level implementing body in a 实施编码 (GB/T 39554.1: 1 national,
# 2 provincial, 3 city, 4 county, 5 township, 6 village).
COUNTY_LEVEL_DIGIT = "4"


class DepartmentNotBound(InvalidInput):
    code = "provision.department_not_bound"
    message = _(
        "The pack's department role %(role)s has no department of this centre. Add it to the "
        "bindings with its name and unified social credit code."
    )


@dataclass(frozen=True)
class DepartmentBinding:
    name: str
    uscc: str
    connector_kind: str = "worklist"


@dataclass(frozen=True)
class ProvisionResult:
    centre: Centre
    created_matters: int
    updated_matters: int


def provision_centre(
    *,
    actor: Any,
    region_code: str,
    pack: Any,
    bindings: dict[str, DepartmentBinding],
    name: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ProvisionResult:
    """Create or update the centre of a county-level region from a pack, in one transaction.

    Running it again with the same pack changes nothing; a matter whose definition changed
    gets a new version, and open cases keep the version they were filed under.
    """
    region = check_county_region(region_code)
    for binding in bindings.values():
        parse_uscc(binding.uscc)

    with transaction.atomic():
        centre, _created = Centre.objects.get_or_create(
            region_code=region.code,
            defaults={
                "name": name or f"{region.name}政务服务中心",
                "slug": region.code,
            },
        )
        departments = _bind_departments(centre, pack, bindings)
        sync_certificate_types(
            actor=None, centre=centre, entries=getattr(pack, "certificate_types", [])
        )
        created = updated = 0
        matters = list(pack.matters)
        for position, definition in enumerate(matters, start=1):
            outcome = _provision_matter(centre, departments, definition, pack)
            created += outcome == "created"
            updated += outcome == "updated"
            if progress:
                progress(position, len(matters))
        record_installation(
            centre, pack, kind=PackInstallation.Kind.PROVISION, actor=actor
        )
        record_event(
            actor=actor,
            actor_role="platform_admin",
            verb="centre.provisioned",
            object_type="centre",
            object_id=centre.pk,
            centre=centre,
            data={"pack": _pack_label(pack), "created": created, "updated": updated},
        )
    log.info(
        "centre.provisioned", centre_id=centre.pk, created=created, updated=updated
    )
    return ProvisionResult(
        centre=centre, created_matters=created, updated_matters=updated
    )


def _bind_departments(
    centre: Centre, pack: Any, bindings: dict[str, DepartmentBinding]
) -> dict[str, Department]:
    used_roles = {matter["department"] for matter in pack.matters}
    departments = {}
    for role in sorted(used_roles):
        binding = bindings.get(role)
        if binding is None:
            raise DepartmentNotBound(role=role)
        department, _created = Department.objects.update_or_create(
            centre=centre,
            role_key=role,
            defaults={
                "name": binding.name,
                "uscc": binding.uscc,
                "connector_kind": binding.connector_kind,
            },
        )
        departments[role] = department
    return departments


def _provision_matter(
    centre: Centre,
    departments: dict[str, Department],
    definition: dict[str, Any],
    pack: Any,
) -> str:
    # Imported here because the overlay module builds on this one.
    from onestop.catalog.overlay import apply_overlay, overlay_fields

    matter = Matter.objects.filter(centre=centre, pack_id=definition["id"]).first()
    if matter is not None and matter.origin == MatterOrigin.LOCAL:
        # NOTE: a local matter keeps its id; the pack's matter of that id is not added.
        return "unchanged"

    effective = definition
    if matter is not None:
        effective = apply_overlay(definition, overlay_fields(matter))
    department = (
        departments.get(effective["department"])
        or departments[definition["department"]]
    )
    fields = {
        **matter_fields(effective, department),
        "pack_definition": definition,
        "pack_version": _pack_version(pack),
        "removed_upstream": False,
    }
    if matter is None:
        matter = Matter.objects.create(
            centre=centre, pack_id=definition["id"], **fields
        )
        outcome = "created"
    else:
        Matter.objects.filter(pk=matter.pk).update(**fields)
        outcome = "unchanged"

    current = matter.current_version
    if current is None or current.definition != effective:
        add_matter_version(matter, effective, source=_pack_label(pack))
        outcome = "created" if current is None else "updated"
    return outcome


def matter_fields(definition: dict[str, Any], department: Department) -> dict[str, Any]:
    """Return the Matter columns that mirror `definition` (name, codes, type, search)."""
    basic_code = definition.get("basic_code") or ""
    return {
        "department": department,
        "name": definition["name"],
        "basic_code": basic_code,
        "implementation_code": (
            f"{department.uscc}{COUNTY_LEVEL_DIGIT}{basic_code}" if basic_code else ""
        ),
        "matter_type": definition.get("type", "public_service"),
        "guide_only": bool(definition.get("guide_only")),
        "search_text": search_text(definition, department),
    }


def record_installation(
    centre: Centre,
    pack: Any,
    *,
    kind: str,
    actor: Any,
    previous: str = "",
    **summary: Any,
) -> PackInstallation:
    """Record that `pack` is now the pack version the centre is on."""
    codes = sorted(str(item["code"]) for item in getattr(pack, "certificate_types", []))
    return PackInstallation.objects.create(
        centre=centre,
        pack_id=str(_pack_metadata(pack).get("id", "pack")),
        version=_pack_version(pack),
        previous_version=previous,
        kind=kind,
        summary={"certificate_types": codes, **summary},
        installed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def add_matter_version(
    matter: Matter, definition: dict[str, Any], *, source: str
) -> MatterVersion:
    """Freeze `definition` as the matter's next version and make it current."""
    last = matter.versions.order_by("-number").first()
    version = MatterVersion.objects.create(
        centre=matter.centre,
        matter=matter,
        number=(last.number + 1) if last else 1,
        definition=definition,
        source=source,
    )
    Matter.objects.filter(pk=matter.pk).update(current_version=version)
    matter.current_version = version
    return version


def search_text(definition: dict[str, Any], department: Department) -> str:
    """Return the text a matter search looks in: names, codes, department and materials."""
    parts = [
        definition.get("name", ""),
        definition.get("basic_code") or "",
        department.name,
        definition.get("conditions") or "",
        " ".join(m.get("name", "") for m in definition.get("materials") or []),
    ]
    return " ".join(part for part in parts if part)


def _pack_label(pack: Any) -> str:
    metadata = _pack_metadata(pack)
    return f"{metadata.get('id', 'pack')}@{metadata.get('version', '?')}"


def _pack_version(pack: Any) -> str:
    return str(_pack_metadata(pack).get("version", ""))


def _pack_metadata(pack: Any) -> dict[str, Any]:
    return getattr(pack, "metadata", {}) or {}
