"""Writes to the catalogue: provisioning a centre from a pack, and new matter versions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onestop.catalog.models import Matter, MatterOrigin, MatterVersion, PackInstallation
from onestop.catalog.versions import check_not_older
from onestop.certificates.actions import sync_certificate_types
from onestop.core.audit import record_event
from onestop.core.bulk import (
    Prepared,
    insert_rows,
    prepare,
    prepare_json_text,
    reserve_ids,
)
from onestop.core.errors import InvalidInput
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Department
from onestop.identity.codes import parse_uscc
from onestop.regions.gb2260 import check_county_region

log = get_logger(__name__)

# Level digit of a county-level implementing body in a 实施编码 (GB/T 39554.1: 1 national,
# 2 provincial, 3 city, 4 county, 5 township, 6 village).
COUNTY_LEVEL_DIGIT = "4"

# Pack matters written per round of bulk statements. Progress is reported after each.
MATTER_CHUNK = 500


class DepartmentNotBound(InvalidInput):
    code = "provision.department_not_bound"
    message = _(
        "The pack's department role %(role)s has no department of this centre. Add it to the "
        "bindings with its name and unified social credit code."
    )


class UsccTaken(InvalidInput):
    """Bound codes that belong to other stored departments, every one of them.

    The details give the first clash at the top level and every clash in `clashes`.
    """

    code = "provision.uscc_taken"
    message = _(
        "The unified social credit code %(uscc)s of the department role %(role)s "
        "already belongs to the department %(department)s (role %(other_role)s) of "
        "%(centre)s (%(region)s). Correct the code in the bindings, or bind the role "
        "to that department only in its own centre."
    )
    many_message = _(
        "%(count)s unified social credit codes of the bindings already belong to "
        "other departments. Correct the codes in the bindings, or bind each role to "
        "its department only in that department's own centre:\n%(list)s"
    )
    clash_line = _(
        "  %(uscc)s of the role %(role)s belongs to %(department)s (role "
        "%(other_role)s) of %(centre)s (%(region)s)"
    )

    def __init__(self, clashes: list[dict[str, str]]) -> None:
        super().__init__(
            self.many_message if len(clashes) > 1 else None,
            **clashes[0],
            count=len(clashes),
            clashes=clashes,
        )

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        lines = [str(self.clash_line) % clash for clash in self.details["clashes"]]
        values["list"] = "\n".join(lines)
        return values


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
    # The newer pack version the centre was left on, when provisioning skipped its
    # matters rather than downgrade them.
    kept_version: str = ""

    def message(self) -> str:
        """Return the operator message that describes what provisioning changed."""
        if self.kept_version:
            return _(
                "%(centre)s (%(region)s) is on pack version %(installed)s, newer than "
                "the bundled pack, so its matters were left unchanged."
            ) % {
                "centre": self.centre.name,
                "region": self.centre.region_code,
                "installed": self.kept_version,
            }
        created = ngettext(
            "%(count)s matter created",
            "%(count)s matters created",
            self.created_matters,
        ) % {"count": self.created_matters}
        return _("%(centre)s (%(region)s): %(created)s, %(updated)s updated.") % {
            "centre": self.centre.name,
            "region": self.centre.region_code,
            "created": created,
            "updated": self.updated_matters,
        }


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
    gets a new version, and open cases keep the version they were filed under. A pack
    older than the version the centre is on raises PackOlderThanInstalled.
    """
    region = check_county_region(region_code)
    for binding in bindings.values():
        parse_uscc(binding.uscc)

    with transaction.atomic():
        centre, created_centre = Centre.objects.get_or_create(
            region_code=region.code,
            defaults={
                "name": name or f"{region.name}政务服务中心",
                "slug": region.code,
            },
        )
        if not created_centre:
            check_not_older(centre, pack)
        departments = _bind_departments(centre, pack, bindings)
        sync_certificate_types(
            actor=None, centre=centre, entries=getattr(pack, "certificate_types", [])
        )
        created, updated = _provision_matters(centre, departments, pack, progress)
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
    roles = sorted({matter["department"] for matter in pack.matters})
    for role in roles:
        if role not in bindings:
            raise DepartmentNotBound(role=role)

    _check_uscc_free(centre, roles, bindings)

    departments = {
        department.role_key: department
        for department in Department.objects.for_centre(centre).filter(
            role_key__in=roles
        )
    }
    missing = []
    for role in roles:
        binding = bindings[role]
        values = {
            "name": binding.name,
            "uscc": binding.uscc,
            "connector_kind": binding.connector_kind,
        }
        department = departments.get(role)
        if department is None:
            missing.append(Department(centre=centre, role_key=role, **values))
        elif any(getattr(department, key) != value for key, value in values.items()):
            Department.objects.filter(pk=department.pk).update(**values)
            for key, value in values.items():
                setattr(department, key, value)
    for department in Department.objects.bulk_create(missing):
        departments[department.role_key] = department
    return departments


def _check_uscc_free(
    centre: Centre, roles: list[str], bindings: dict[str, DepartmentBinding]
) -> None:
    """Raise UsccTaken, naming every clash, when bound codes belong to other stored
    departments.

    A USCC names one implementing body, so it may belong to one department of one
    centre. The query reads every centre on purpose. A department of this centre whose
    role is bound again in this run counts with its new code, which the bindings file
    already checks for repeats.
    """
    role_of_uscc = {bindings[role].uscc: role for role in roles}
    holders = (
        Department.objects.filter(uscc__in=role_of_uscc)
        .select_related("centre")
        .order_by("centre__region_code", "role_key")
    )
    clashes = [
        {
            "uscc": holder.uscc,
            "role": role_of_uscc[holder.uscc],
            "department": holder.name,
            "other_role": holder.role_key,
            "centre": holder.centre.name,
            "region": holder.centre.region_code,
        }
        for holder in holders
        if not (holder.centre_id == centre.pk and holder.role_key in roles)
    ]
    if clashes:
        raise UsccTaken(clashes)


def _provision_matters(
    centre: Centre,
    departments: dict[str, Department],
    pack: Any,
    progress: Callable[[int, int], None] | None,
) -> tuple[int, int]:
    """Write the pack's matters chunk by chunk and return (created, updated).

    Matters the centre does not have yet are inserted in bulk. Matters it has go through
    `_refresh_pack_matter` one by one, because each may have an overlay to apply.
    """
    definitions = list(pack.matters)
    existing = {
        matter.pack_id: matter
        for matter in Matter.objects.for_centre(centre).select_related(
            "current_version"
        )
    }
    created = updated = 0
    for start in range(0, len(definitions), MATTER_CHUNK):
        chunk = definitions[start : start + MATTER_CHUNK]
        new = [definition for definition in chunk if definition["id"] not in existing]
        _create_matters(centre, departments, new, pack)
        created += len(new)

        for definition in chunk:
            matter = existing.get(definition["id"])
            if matter is None:
                continue
            outcome = _refresh_pack_matter(matter, departments, definition, pack)
            created += outcome == "created"
            updated += outcome == "updated"

        if progress:
            progress(start + len(chunk), len(definitions))
    return created, updated


def _create_matters(
    centre: Centre,
    departments: dict[str, Department],
    definitions: list[dict[str, Any]],
    pack: Any,
) -> None:
    """Insert new pack matters and their first versions, which are current.

    It reserves the versions' ids first, so that each matter's INSERT already points at
    its version 1, and then sends an INSERT of the matters and one of the versions. The
    foreign keys are checked at commit, when both exist. `insert_rows` splits an INSERT
    into several where the database limits the parameters of one statement.
    """
    if not definitions:
        return
    # Each definition is stored in both tables. The pack serialises it to JSON once,
    # and later centres provisioned from the same loaded pack reuse that text.
    stored = {
        definition["id"]: prepare_json_text(pack.matter_json(definition))
        for definition in definitions
    }
    version_ids = dict(
        zip(stored, reserve_ids(MatterVersion, len(stored)), strict=True)
    )
    version = _pack_version(pack)
    rows = [
        _matter_row(
            centre,
            departments[definition["department"]],
            definition,
            version,
            (stored[definition["id"]], version_ids[definition["id"]]),
        )
        for definition in definitions
    ]
    ids = dict(insert_rows(Matter, MATTER_COLUMNS, rows, returning=("pack_id", "id")))

    source = _pack_label(pack)
    created_at = prepare(MatterVersion, "created_at", timezone.now())
    insert_rows(
        MatterVersion,
        (
            "id",
            "centre_id",
            "matter_id",
            "number",
            "definition",
            "source",
            "created_at",
        ),
        [
            (version_ids[key], centre.pk, ids[key], 1, definition, source, created_at)
            for key, definition in stored.items()
        ],
    )


# Columns of the rows that `_matter_row` builds, in its order. The ones it leaves out
# (`is_active` and `origin`) get their defaults.
MATTER_COLUMNS = (
    "centre_id",
    "pack_id",
    "department_id",
    "name",
    "basic_code",
    "implementation_code",
    "matter_type",
    "guide_only",
    "search_text",
    "pack_definition",
    "pack_version",
    "removed_upstream",
    "current_version_id",
)


def _matter_row(
    centre: Centre,
    department: Department,
    definition: dict[str, Any],
    version: str,
    first_version: tuple[Prepared, int],
) -> tuple[Any, ...]:
    """Return the MATTER_COLUMNS of a new pack matter, as `_pack_matter_fields` sets them.

    `first_version` is the matter's definition as a JSON parameter and the id of its
    version 1.
    """
    definition_json, version_id = first_version
    fields = matter_fields(definition, department)
    return (
        centre.pk,
        definition["id"],
        department.pk,
        fields["name"],
        fields["basic_code"],
        fields["implementation_code"],
        fields["matter_type"],
        fields["guide_only"],
        fields["search_text"],
        definition_json,
        version,
        False,
        version_id,
    )


def _refresh_pack_matter(
    matter: Matter,
    departments: dict[str, Department],
    definition: dict[str, Any],
    pack: Any,
) -> str:
    """Bring a matter the centre has to the pack's `definition`, keeping its overlay."""
    # Imported here because the overlay module builds on this one.
    from onestop.catalog.overlay import apply_overlay, overlay_fields

    if matter.origin == MatterOrigin.LOCAL:
        # NOTE: a local matter keeps its id; the pack's matter of that id is not added.
        return "unchanged"

    effective = apply_overlay(definition, overlay_fields(matter))
    department = (
        departments.get(effective["department"])
        or departments[definition["department"]]
    )
    Matter.objects.filter(pk=matter.pk).update(
        **_pack_matter_fields(definition, effective, department, pack)
    )

    current = matter.current_version
    if current is not None and current.definition == effective:
        return "unchanged"
    add_matter_version(matter, effective, source=_pack_label(pack))
    return "created" if current is None else "updated"


def _pack_matter_fields(
    definition: dict[str, Any],
    effective: dict[str, Any],
    department: Department,
    pack: Any,
) -> dict[str, Any]:
    """Return the columns of a pack matter. `effective` has the overlay applied."""
    return {
        **matter_fields(effective, department),
        "pack_definition": definition,
        "pack_version": _pack_version(pack),
        "removed_upstream": False,
    }


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
    last = matter.versions.order_by("-number").values_list("number", flat=True).first()
    version = _matter_version(matter, definition, number=(last or 0) + 1, source=source)
    version.save(force_insert=True)
    Matter.objects.filter(pk=matter.pk).update(current_version=version)
    matter.current_version = version
    return version


def _matter_version(
    matter: Matter, definition: dict[str, Any], *, number: int, source: str
) -> MatterVersion:
    """Return the unsaved version `number` of the matter, freezing `definition`."""
    return MatterVersion(
        centre_id=matter.centre_id,
        matter=matter,
        number=number,
        definition=definition,
        source=source,
    )


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
