"""Safe pack upgrades: move a centre from pack version N to N+1 with a 3-way merge.

For each matter, base is the pack definition the centre is on, theirs is the new pack's
and ours is the centre's overlay. A field the centre did not change takes the new pack's
value. A field both changed keeps the centre's value and is stored as an UpgradeConflict
for review. New matters are added; matters the new pack no longer has are switched off,
never deleted. Open cases keep the MatterVersion they were filed under.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from onestop.catalog.actions import (
    DepartmentBinding,
    DepartmentNotBound,
    add_matter_version,
    matter_fields,
    record_installation,
)
from onestop.catalog.bindings import read_bindings
from onestop.catalog.models import (
    Matter,
    MatterOrigin,
    MatterOverlay,
    PackInstallation,
    UpgradeConflict,
)
from onestop.catalog.overlay import (
    ADMIN_ROLES,
    ENABLED,
    MISSING,
    apply_overlay,
    base_definition,
    definition_errors,
    get_path,
    overlay_fields,
    refresh_matter,
    remove_overlay_field,
)
from onestop.catalog.packs import load_pack
from onestop.catalog.packs.errors import PackError
from onestop.catalog.versions import PackNotNewer, compare_versions, latest_installation
from onestop.core.audit import record_event
from onestop.core.errors import Conflict, InvalidInput, NotFound, OneStopError
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Department
from onestop.core.permissions import require_role
from onestop.core.progress import ProgressCallback, progress_bar
from onestop.regions.gb2260 import check_county_region

log = get_logger(__name__)


class CentreNotProvisioned(NotFound):
    code = "pack_upgrade.not_provisioned"
    message = _(
        "No centre of region %(region)s is on a pack yet. Provision it first with "
        "`onestop provision`."
    )


class PackIdMismatch(InvalidInput):
    code = "pack_upgrade.pack_mismatch"
    message = _(
        "The centre is on the pack %(installed)s, but this pack is %(pack)s. Upgrade with a "
        "newer version of %(installed)s."
    )


class MergeInvalid(InvalidInput):
    """A centre's overlay that does not fit the new pack, in one or more matters.

    The details give every problem in `errors`, each with its `matter`, place (`where`)
    and `rule`, the `count` of problems, and `matter`, `where` and `rule` repeat the
    first. The message lists every problem in words, which the details leave out.
    """

    code = "pack_upgrade.merge_invalid"

    def __init__(self, problems: list[tuple[str, PackError]]) -> None:
        self.message = ngettext_lazy(
            "The centre's changes do not fit the new pack at %(count)s place, so "
            "nothing was written:\n%(problems)s\nRemove or correct the centre's value "
            "there, then upgrade again.",
            "The centre's changes do not fit the new pack at %(count)s places, so "
            "nothing was written:\n%(problems)s\nRemove or correct the centre's value "
            "at each place, then upgrade again.",
            len(problems),
        )
        self.problems = problems
        errors = [
            {"matter": matter_id, "where": error.path, "rule": error.rule}
            for matter_id, error in problems
        ]
        super().__init__(**errors[0], count=len(errors), errors=errors)

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        values["problems"] = "\n".join(
            str(_("  %(matter)s: %(where)s: %(problem)s [%(rule)s]"))
            % {
                "matter": matter_id,
                "where": error.path,
                "problem": error.message,
                "rule": error.rule,
            }
            for matter_id, error in self.problems
        )
        return values


class ConflictNotFound(NotFound):
    code = "pack_upgrade.conflict_not_found"
    message = _(
        "The centre has no upgrade conflict %(conflict)s. Reload the list of conflicts."
    )


class ConflictIdInvalid(InvalidInput):
    code = "pack_upgrade.conflict_id_invalid"
    message = _(
        'The form field conflict has the value "%(value)s", which is not the number '
        "of a conflict, so nothing was resolved. Reload the list of conflicts and "
        "choose again."
    )


class ConflictResolved(Conflict):
    code = "pack_upgrade.conflict_resolved"
    message = _("This conflict was already resolved. Reload the list of conflicts.")


# --- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldConflict:
    matter_id: str
    path: str
    base_value: Any
    pack_value: Any
    centre_value: Any


@dataclass
class MatterPlan:
    """The change an upgrade makes to one matter: add, update, remove, skip or keep."""

    matter_id: str
    action: str
    name: str = ""
    upstream_paths: list[str] = field(default_factory=list)
    kept_paths: list[str] = field(default_factory=list)
    converged_paths: list[str] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)
    pack_definition: dict[str, Any] | None = None
    definition: dict[str, Any] | None = None
    # What the merged definition breaks that the new pack's definition does not.
    misfits: list[PackError] = field(default_factory=list)


@dataclass
class UpgradePlan:
    centre: Centre
    pack_id: str
    from_version: str
    to_version: str
    matters: list[MatterPlan] = field(default_factory=list)
    new_roles: list[str] = field(default_factory=list)

    def of(self, action: str) -> list[MatterPlan]:
        """Return the matter plans with this action."""
        return [item for item in self.matters if item.action == action]

    @property
    def conflicts(self) -> list[FieldConflict]:
        return [conflict for item in self.matters for conflict in item.conflicts]

    @property
    def misfits(self) -> list[tuple[str, PackError]]:
        """Return (matter id, problem) for every matter the centre's overlay breaks."""
        return [
            (item.matter_id, error) for item in self.matters for error in item.misfits
        ]

    def summary(self) -> dict[str, Any]:
        """Return the ids of added, updated, removed and skipped matters, and counts."""
        return {
            "added": [item.matter_id for item in self.of("add")],
            "updated": [item.matter_id for item in self.of("update")],
            "removed": [item.matter_id for item in self.of("remove")],
            "skipped": [item.matter_id for item in self.of("skip")],
            "conflicts": len(self.conflicts),
        }


def plan_upgrade(
    centre: Centre,
    pack: Any,
    bindings: dict[str, DepartmentBinding] | None = None,
    progress: ProgressCallback | None = None,
) -> UpgradePlan:
    """Work out what upgrading the centre to `pack` does, without writing anything.

    `progress` is called after each pack matter with the count planned and the pack's
    matter count.
    """
    installed = current_installation(centre)
    _check_pack(installed, pack)
    plan = UpgradePlan(
        centre=centre,
        pack_id=installed.pack_id,
        from_version=installed.version,
        to_version=str(pack.metadata["version"]),
    )
    plan.new_roles = _new_roles(centre, pack, bindings or {})

    matters = {
        matter.pack_id: matter
        for matter in Matter.objects.for_centre(centre).select_related(
            "current_version"
        )
    }
    for definition in pack.matters:
        plan.matters.append(
            _plan_matter(centre, matters.get(definition["id"]), definition)
        )
        if progress is not None:
            progress(len(plan.matters), len(pack.matters))
    incoming = {definition["id"] for definition in pack.matters}
    for matter_id, matter in sorted(matters.items()):
        gone = matter_id not in incoming and matter.origin == MatterOrigin.PACK
        if gone and not matter.removed_upstream:
            plan.matters.append(
                MatterPlan(matter_id=matter_id, action="remove", name=matter.name)
            )
    return plan


def current_installation(centre: Centre) -> PackInstallation:
    """Return the latest pack installation of the centre, or raise CentreNotProvisioned."""
    installed = latest_installation(centre)
    if installed is None:
        raise CentreNotProvisioned(region=centre.region_code)
    return installed


def _check_pack(installed: PackInstallation, pack: Any) -> None:
    pack_id = str(pack.metadata.get("id"))
    version = str(pack.metadata.get("version"))
    if pack_id != installed.pack_id:
        raise PackIdMismatch(installed=installed.pack_id, pack=pack_id)
    if compare_versions(version, installed.version) <= 0:
        raise PackNotNewer(version=version, installed=installed.version)


def _new_roles(
    centre: Centre, pack: Any, bindings: dict[str, DepartmentBinding]
) -> list[str]:
    bound = set(
        Department.objects.for_centre(centre).values_list("role_key", flat=True)
    )
    needed = {definition["department"] for definition in pack.matters} - bound
    for role in sorted(needed):
        if role not in bindings:
            raise DepartmentNotBound(role=role)
    return sorted(needed)


def _plan_matter(
    centre: Centre, matter: Matter | None, theirs: dict[str, Any]
) -> MatterPlan:
    if matter is None:
        return MatterPlan(
            matter_id=theirs["id"],
            action="add",
            name=theirs["name"],
            upstream_paths=["*"],
            pack_definition=theirs,
            definition=theirs,
        )
    if matter.origin == MatterOrigin.LOCAL:
        return MatterPlan(matter_id=theirs["id"], action="skip", name=matter.name)

    base = base_definition(matter)
    plan = MatterPlan(
        matter_id=matter.pack_id,
        action="keep",
        name=matter.name,
        upstream_paths=changed_paths(base, theirs),
        pack_definition=theirs,
    )
    kept = _merge_fields(plan, base, theirs, overlay_fields(matter))
    plan.definition = apply_overlay(theirs, kept)
    plan.misfits = _merge_misfits(centre, plan, theirs)

    current = matter.current_version.definition if matter.current_version else None
    if plan.upstream_paths or plan.definition != current or matter.removed_upstream:
        plan.action = "update"
    return plan


def _merge_fields(
    plan: MatterPlan, base: dict[str, Any], theirs: dict[str, Any], ours: dict[str, Any]
) -> dict[str, Any]:
    """Sort each overlay field into kept, converged or conflicting; return the kept ones."""
    kept: dict[str, Any] = {}
    for path, value in sorted(ours.items()):
        if path == ENABLED:
            continue
        base_value, their_value = get_path(base, path), get_path(theirs, path)
        if base_value == their_value:
            kept[path] = value
            plan.kept_paths.append(path)
        elif value == their_value:
            plan.converged_paths.append(path)
        else:
            kept[path] = value
            plan.kept_paths.append(path)
            plan.conflicts.append(
                FieldConflict(
                    matter_id=plan.matter_id,
                    path=path,
                    base_value=_plain(base_value),
                    pack_value=_plain(their_value),
                    centre_value=value,
                )
            )
    return kept


def _merge_misfits(
    centre: Centre, plan: MatterPlan, theirs: dict[str, Any]
) -> list[PackError]:
    """Return the errors of the merged definition that the new pack's one does not have."""
    if plan.definition is None or not plan.kept_paths:
        return []
    known = {(e.path, e.rule, e.message) for e in definition_errors(centre, theirs)}
    return [
        error
        for error in definition_errors(centre, plan.definition)
        if (error.path, error.rule, error.message) not in known
    ]


def changed_paths(base: Any, theirs: Any, prefix: str = "") -> list[str]:
    """Return the dotted paths where two definitions differ; lists count as one field."""
    if not (isinstance(base, dict) and isinstance(theirs, dict)):
        return [prefix] if base != theirs and prefix else []
    paths: list[str] = []
    for key in sorted(set(base) | set(theirs)):
        path = f"{prefix}.{key}" if prefix else str(key)
        paths += changed_paths(base.get(key, MISSING), theirs.get(key, MISSING), path)
    return paths


def _plain(value: Any) -> Any:
    return None if value is MISSING else value


# --- applying the plan -------------------------------------------------------------------


def upgrade_centre(
    *,
    actor: Any,
    region_code: str,
    pack: Any,
    bindings: dict[str, DepartmentBinding] | None = None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> UpgradePlan:
    """Upgrade the centre of `region_code` to `pack` in one transaction; return the plan.

    Raises MergeInvalid, listing every problem, when the centre's overlay does not fit
    the new pack in any matter, and then writes nothing. With `dry_run` the plan is
    worked out and returned with its misfits, and nothing is written. `progress` is
    called with the count of steps done and the step count: one step to plan each pack
    matter and, unless `dry_run`, one to apply each item of the plan. Until the plan is
    made, the step count assumes that no matter is removed.
    """
    region = check_county_region(region_code)
    centre = Centre.objects.filter(region_code=region.code).first()
    if centre is None:
        raise CentreNotProvisioned(region=region.code)
    role = "platform_admin"
    if actor is not None:
        role = require_role(actor, ADMIN_ROLES, centre=centre).role
    if dry_run:
        return plan_upgrade(centre, pack, bindings, progress)

    planned = len(pack.matters)
    with transaction.atomic():
        Centre.objects.select_for_update().filter(pk=centre.pk).first()
        plan = plan_upgrade(
            centre, pack, bindings, _stage_progress(progress, 0, planned)
        )
        if plan.misfits:
            raise MergeInvalid(plan.misfits)
        _apply_plan(
            plan,
            pack,
            actor=actor,
            role=role,
            bindings=bindings or {},
            progress=_stage_progress(progress, planned, 0),
        )
    log.info(
        "catalog.pack_upgraded",
        centre_id=centre.pk,
        pack_version=plan.to_version,
        conflict_count=len(plan.conflicts),
    )
    return plan


def _stage_progress(
    progress: ProgressCallback | None, steps_before: int, steps_after: int
) -> ProgressCallback | None:
    """Return a callback that reports the counts of one stage as steps of the run."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(steps_before + done, steps_before + total + steps_after)

    return report


def _apply_plan(
    plan: UpgradePlan,
    pack: Any,
    *,
    actor: Any,
    role: str,
    bindings: dict[str, DepartmentBinding],
    progress: ProgressCallback | None = None,
) -> None:
    centre = plan.centre
    for role in plan.new_roles:
        binding = bindings[role]
        Department.objects.create(
            centre=centre,
            role_key=role,
            name=binding.name,
            uscc=binding.uscc,
            connector_kind=binding.connector_kind,
        )
    installation = record_installation(
        centre,
        pack,
        kind=PackInstallation.Kind.UPGRADE,
        actor=actor,
        previous=plan.from_version,
        **plan.summary(),
    )
    matters = {m.pack_id: m for m in Matter.objects.for_centre(centre)}
    source = f"{plan.pack_id}@{plan.to_version}"
    for applied, item in enumerate(plan.matters, start=1):
        if item.action == "add":
            _add_matter(centre, item, plan.to_version, source)
        elif item.action == "update":
            _update_matter(matters[item.matter_id], item, plan, installation, source)
        elif item.action == "remove":
            _switch_off_removed(matters[item.matter_id])
        if progress is not None:
            progress(applied, len(plan.matters))
    kept = [matters[item.matter_id].pk for item in plan.of("keep")]
    Matter.objects.filter(pk__in=kept).update(pack_version=plan.to_version)

    record_event(
        actor=actor,
        actor_role=role,
        verb="catalog.pack_upgraded",
        object_type="centre",
        object_id=centre.pk,
        centre=centre,
        data={"from": plan.from_version, "to": plan.to_version, **plan.summary()},
    )


def _add_matter(centre: Centre, item: MatterPlan, version: str, source: str) -> None:
    definition = item.definition or {}
    department = Department.objects.get(
        centre=centre, role_key=definition["department"]
    )
    matter = Matter.objects.create(
        centre=centre,
        pack_id=item.matter_id,
        pack_definition=item.pack_definition,
        pack_version=version,
        **matter_fields(definition, department),
    )
    add_matter_version(matter, definition, source=source)


def _update_matter(
    matter: Matter,
    item: MatterPlan,
    plan: UpgradePlan,
    installation: PackInstallation,
    source: str,
) -> None:
    rows = MatterOverlay.objects.filter(centre=matter.centre, matter=matter)
    rows.filter(path__in=item.converged_paths).delete()
    was_removed = matter.removed_upstream
    Matter.objects.filter(pk=matter.pk).update(
        pack_definition=item.pack_definition,
        pack_version=plan.to_version,
        removed_upstream=False,
    )
    matter.pack_definition = item.pack_definition
    matter.removed_upstream = False
    if was_removed:
        # Back in the pack: on by default, so a centre's "switched on" is no change now.
        switched = rows.filter(path=ENABLED).first()
        off = switched is not None and switched.value is False
        if switched is not None and not off:
            switched.delete()
        Matter.objects.filter(pk=matter.pk).update(is_active=not off)

    refresh_matter(matter, item.definition or {}, source=source)
    UpgradeConflict.objects.bulk_create(
        UpgradeConflict(
            centre=matter.centre,
            installation=installation,
            matter=matter,
            path=conflict.path,
            base_value=conflict.base_value,
            pack_value=conflict.pack_value,
            centre_value=conflict.centre_value,
        )
        for conflict in item.conflicts
    )


def _switch_off_removed(matter: Matter) -> None:
    # A centre's own "switched off" stays, so the matter stays off if it comes back.
    Matter.objects.filter(pk=matter.pk).update(removed_upstream=True, is_active=False)


# --- reviewing conflicts -----------------------------------------------------------------


def open_conflicts(user: Any, centre: Centre) -> list[UpgradeConflict]:
    """Return the unresolved upgrade conflicts of the centre, for its admin."""
    require_role(user, ADMIN_ROLES, centre=centre)
    return list(
        UpgradeConflict.objects.for_centre(centre)
        .filter(resolved_at__isnull=True)
        .select_related("matter", "installation")
        .order_by("matter__name", "path")
    )


def get_conflict_for(user: Any, centre: Centre, conflict_id: int) -> UpgradeConflict:
    """Return the conflict of the centre, for its admin, or raise ConflictNotFound."""
    require_role(user, ADMIN_ROLES, centre=centre)
    conflict = (
        UpgradeConflict.objects.for_centre(centre)
        .select_related("matter", "centre")
        .filter(pk=conflict_id)
        .first()
    )
    if conflict is None:
        raise ConflictNotFound(conflict=conflict_id)
    return conflict


def resolve_conflict(*, actor: Any, conflict: UpgradeConflict, take_pack: bool) -> None:
    """Close a conflict: keep the centre's value, or take the new pack's value."""
    membership = require_role(actor, ADMIN_ROLES, centre=conflict.centre)
    with transaction.atomic():
        locked = UpgradeConflict.objects.select_for_update().get(pk=conflict.pk)
        if locked.resolved_at is not None:
            raise ConflictResolved()
        if take_pack:
            has_field = MatterOverlay.objects.filter(
                centre=locked.centre, matter=locked.matter, path=locked.path
            ).exists()
            if has_field:
                remove_overlay_field(
                    actor=actor, matter=locked.matter, path=locked.path
                )
        locked.resolution = "pack" if take_pack else "centre"
        locked.resolved_at = timezone.now()
        locked.resolved_by = (
            actor if getattr(actor, "is_authenticated", False) else None
        )
        locked.save(update_fields=["resolution", "resolved_at", "resolved_by"])
        record_event(
            actor=actor,
            actor_role=membership.role,
            verb="catalog.conflict_resolved",
            object_type="upgrade_conflict",
            object_id=locked.pk,
            centre=locked.centre,
            data={"matter": locked.matter.pack_id, "path": locked.path},
        )
    log.info(
        "catalog.conflict_resolved", centre_id=locked.centre_id, conflict_id=locked.pk
    )


# --- the command ---------------------------------------------------------------------------


def run_upgrade_command(stdout: Any, options: dict[str, Any]) -> UpgradePlan:
    """Run `onestop pack upgrade`: load the pack, upgrade or plan, print the plan."""
    try:
        with progress_bar(
            _("Reading %(path)s") % {"path": options["pack"]}
        ) as progress:
            pack = load_pack(options["pack"], progress)
        bindings = None
        if options.get("bindings"):
            bindings = read_bindings(
                options["bindings"],
                known_roles=set(pack.departments),
                required_roles=set(),
            ).departments
        description = _("Upgrading %(region)s") % {"region": options["region"]}
        with progress_bar(description) as progress:
            plan = upgrade_centre(
                actor=None,
                region_code=str(options["region"]),
                pack=pack,
                bindings=bindings,
                dry_run=bool(options.get("dry_run")),
                progress=progress,
            )
    except OneStopError as error:
        raise CommandError(f"{error.code}: {error.render()}", returncode=1) from None

    for line in plan_lines(plan):
        stdout.write(line)
    if plan.misfits:
        # Only a dry run returns a plan with misfits; the upgrade itself raises.
        misfit = MergeInvalid(plan.misfits)
        raise CommandError(f"{misfit.code}: {misfit.render()}", returncode=1)
    if options.get("dry_run"):
        stdout.write(str(_("Dry run: nothing was written.")))
    return plan


# --- printing ----------------------------------------------------------------------------


def plan_lines(plan: UpgradePlan) -> list[str]:
    """Return the plan as lines for a terminal: counts, then each matter and conflict."""
    summary = plan.summary()
    lines = [
        str(
            _(
                "%(pack)s %(old)s → %(new)s: %(added)s added, %(updated)s updated, "
                "%(removed)s switched off, %(conflicts)s."
            )
            % {
                "pack": plan.pack_id,
                "old": plan.from_version,
                "new": plan.to_version,
                "added": len(summary["added"]),
                "updated": len(summary["updated"]),
                "removed": len(summary["removed"]),
                "conflicts": ngettext(
                    "%(count)s conflict", "%(count)s conflicts", summary["conflicts"]
                )
                % {"count": summary["conflicts"]},
            }
        )
    ]
    labels = {
        "add": _("add"),
        "update": _("update"),
        "remove": _("switch off (removed from the pack)"),
        "skip": _("skip (a local matter has this id)"),
    }
    for item in plan.matters:
        if item.action in labels:
            lines.append(
                str(_("  %(action)s: %(matter)s %(name)s"))
                % {
                    "action": labels[item.action],
                    "matter": item.matter_id,
                    "name": item.name,
                }
            )
    for conflict in plan.conflicts:
        lines.append(
            str(
                _(
                    "  conflict: %(matter)s %(path)s: pack %(old)s → %(new)s, the centre "
                    "keeps %(ours)s"
                )
                % {
                    "matter": conflict.matter_id,
                    "path": conflict.path,
                    "old": _short(conflict.base_value),
                    "new": _short(conflict.pack_value),
                    "ours": _short(conflict.centre_value),
                }
            )
        )
    return lines


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
