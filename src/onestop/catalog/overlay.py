"""Local overlays (本地化调整): a centre's field-level changes to the matters of its pack.

An overlay field is a dotted path into a matter definition ("time_limits.promised.amount")
and the centre's value there. A list such as "materials" is one field, replaced as a
whole. The path "enabled" switches a matter off or on and is not part of the definition.

The effective definition of a matter is its pack definition with the overlay applied. Each
change is validated against the matter JSON Schema before it is saved, and a change of the
definition freezes a new MatterVersion, so open cases keep the version they were filed under.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.catalog.actions import add_matter_version, matter_fields
from onestop.catalog.models import (
    Matter,
    MatterOrigin,
    MatterOverlay,
    PackInstallation,
)
from onestop.catalog.overlay_errors import (
    LocalMatterExists,
    LocalMatterInvalid,
    LocalMatterTooLarge,
    LocalMatterUnreadable,
    MatterNotInCentre,
    OverlayFieldNotSet,
    OverlayJsonInvalid,
    OverlayMaterialsEmpty,
    OverlayNumberInvalid,
    OverlayPathInvalid,
    OverlayPathMissing,
    OverlayPathNotObject,
    OverlayPathOverlaps,
    OverlayTextTooLong,
    OverlayValueInvalid,
    OverlayValueTooLarge,
)
from onestop.catalog.packs import drop_null_defaults, fill_matter_defaults
from onestop.catalog.packs.checks import check_matter
from onestop.catalog.packs.documents import Document, parse_document
from onestop.catalog.packs.errors import PackError
from onestop.catalog.packs.reader import MAX_FILE_BYTES
from onestop.catalog.packs.schemas import check_schema, load_schema
from onestop.catalog.queries import get_centre
from onestop.core import json_input
from onestop.core.audit import record_event
from onestop.core.errors import (
    Coded,
    echoed,
    list_text,
)
from onestop.core.full_width import fold_full_width
from onestop.core.json_errors import json_problem
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Department, Role
from onestop.core.permissions import require_role

log = get_logger(__name__)

ENABLED = "enabled"
ADMIN_ROLES = (Role.CENTRE_ADMIN, Role.PLATFORM_ADMIN)
MAX_PATH_LENGTH = 200
_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
# A centre's own change is local practice by definition, so it need not be marked as such.
_RULES_NOT_FOR_OVERLAYS = {"local_practice.promised_not_marked"}
_UNKNOWN_DEPARTMENT = "reference.department"
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class _Missing:
    """The value at a path that does not exist in a definition."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


# --- paths -------------------------------------------------------------------------------


def check_value_size(path: str, value: Any) -> None:
    """Raise OverlayValueTooLarge for a value larger than the pack format allows there.

    A text field whose matter schema sets maxLength may have that many characters. Any
    other value, in the UTF-8 bytes of its JSON, may be as large as a whole matter file
    of a pack (MAX_FILE_BYTES), because it has to fit in one.
    """
    max_length = _schema_at(path).get("maxLength")
    if (
        isinstance(value, str)
        and isinstance(max_length, int)
        and len(value) > max_length
    ):
        raise OverlayTextTooLong(path=path, size=len(value), limit=max_length)
    size = len(
        json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )
    )
    if size > MAX_FILE_BYTES:
        raise OverlayValueTooLarge(path=path, size=size, limit=MAX_FILE_BYTES)


def _schema_at(path: str) -> dict[str, Any]:
    """Return the matter schema of the field at the dotted `path`, or {} if it has none."""
    schema = load_schema("matter")
    node: Any = schema
    for key in path.split("."):
        node = (
            (node.get("properties") or {}).get(key) if isinstance(node, dict) else None
        )
        if isinstance(node, dict) and "$ref" in node:
            node = schema["$defs"].get(node["$ref"].removeprefix("#/$defs/"), {})
    return node if isinstance(node, dict) else {}


def check_path(path: str) -> str:
    """Return the path stripped, or raise OverlayPathMissing or OverlayPathInvalid."""
    path = (path or "").strip()
    if not path:
        raise OverlayPathMissing()
    keys = path.split(".")
    if (
        len(path) > MAX_PATH_LENGTH
        or keys[0] == "id"
        or not all(_KEY.match(key) for key in keys)
    ):
        raise OverlayPathInvalid(path=path[:MAX_PATH_LENGTH])
    return path


def check_overlaps(changes: dict[str, Any], fields: dict[str, Any]) -> None:
    """Raise OverlayPathOverlaps for a changed path inside another field or containing one.

    `fields` is the overlay already saved. Overlay fields apply shorter paths first, so
    a narrower field such as time_limits.promised.amount would silently override part
    of a value saved at time_limits.promised, and that value would apply in full only
    once the narrower field is removed.
    """
    paths = sorted({*fields, *changes} - {ENABLED})
    for path in changes:
        for other in paths:
            if _inside(path, other) or _inside(other, path):
                raise OverlayPathOverlaps(path=path, other=other)


def _inside(path: str, parent: str) -> bool:
    return path.startswith(parent + ".")


def get_path(definition: Any, path: str) -> Any:
    """Return the value at the dotted `path`, or MISSING."""
    current = definition
    for key in path.split("."):
        if not isinstance(current, dict) or key not in current:
            return MISSING
        current = current[key]
    return current


def set_path(definition: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at the dotted `path`, adding objects where a parent is absent or null."""
    keys = path.split(".")
    current = definition
    for depth, key in enumerate(keys[:-1]):
        if current.get(key) is None:
            current[key] = {}
        if not isinstance(current[key], dict):
            raise OverlayPathNotObject(path=path, parent=".".join(keys[: depth + 1]))
        current = current[key]
    current[keys[-1]] = copy.deepcopy(value)


def apply_overlay(definition: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of `definition` with each overlay field set, shorter paths first."""
    result = copy.deepcopy(definition)
    for path in sorted(fields, key=lambda item: (item.count("."), item)):
        if path != ENABLED:
            set_path(result, path, fields[path])
    return result


def parse_json_value(path: str, text: str) -> Any:
    """Parse the JSON value typed for `path`, or raise OverlayJsonInvalid."""
    try:
        return json_input.loads(text, path)
    except ValueError as error:
        raise OverlayJsonInvalid(path=path, problem=json_problem(error)) from None


def parse_whole_number(field: str, path: str, text: str) -> int:
    """Parse the whole number typed into the form box `field` for `path`.

    Raises OverlayNumberInvalid for anything else. The matter schema checks the range.
    """
    # Chinese input methods type full-width digits (１２), read as ASCII digits.
    text = fold_full_width(text).strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        raise OverlayNumberInvalid(
            field=Coded(path, field), path=path, value=echoed(text)
        )
    return int(text)


def parse_local_matter(text: str) -> Any:
    """Parse a local matter written in YAML (or JSON).

    Raises LocalMatterTooLarge for text larger than a pack's matter file may be, and
    LocalMatterUnreadable for text that is not YAML.
    """
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_FILE_BYTES:
        raise LocalMatterTooLarge(size=len(data), limit=MAX_FILE_BYTES)
    document, error = parse_document("matters/local.yaml", data)
    if document is not None:
        # A YAML "\ud800" escape, like a JSON one, gives text that cannot be stored.
        # Control characters get the pack's own rule, which names the place.
        json_input.check_text(document.data, controls=False)
        return document.data
    raise LocalMatterUnreadable(
        line=(error and error.line) or "?",
        column=(error and error.column) or "?",
        rule=error.rule if error else "yaml.syntax",
        problem=error.message if error else "",
    )


def local_matter_template(department: str) -> dict[str, Any]:
    """Return a valid starting definition of a local matter of the `department` role."""
    return {
        "id": "local-new-matter",
        "name": "本地新增事项",
        "type": "public_service",
        "department": department,
        "basic_code": "990000000000",
        "service_objects": ["person"],
        "handling_type": "immediate",
        "time_limits": {
            "statutory": {"amount": 1, "unit": "working_days"},
            "promised": {"amount": 1, "unit": "working_days"},
        },
        "visits": {"count": 0},
        "handling_forms": ["window"],
        "online_depth": "information",
        "scope": {"range": "county"},
        "conditions": "本县户籍或常住居民。",
        "legal_basis": [{"title": "本地政务服务事项目录"}],
        "materials": [],
        "fees": {"charged": False},
        "steps": [
            {"key": "accept", "name": "受理", "role": "综合窗口人员"},
            {"key": "decide", "name": "决定", "role": "部门审批人员"},
        ],
        "result": {"name": "办理结果", "type": "other"},
        "form_fields": [],
        "sources": [],
    }


# --- reads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    path: str
    pack_value: Any
    centre_value: Any
    updated_at: Any


def overlay_fields(matter: Matter | None) -> dict[str, Any]:
    """Return the overlay of the matter as {path: value}."""
    if matter is None or matter.pk is None:
        return {}
    rows = MatterOverlay.objects.filter(centre_id=matter.centre_id, matter=matter)
    return dict(rows.values_list("path", "value"))


def base_definition(matter: Matter) -> dict[str, Any]:
    """Return the definition the overlay applies to: the pack's, or the local matter's."""
    if matter.pack_definition is not None:
        return matter.pack_definition
    return matter.current_version.definition if matter.current_version else {}


def effective_definition(matter: Matter) -> dict[str, Any]:
    """Return the pack definition of the matter with the centre's overlay applied."""
    return apply_overlay(base_definition(matter), overlay_fields(matter))


def overlay_diff(matter: Matter) -> list[DiffRow]:
    """Return "pack value → centre value" for every field the centre changed, by path."""
    base = base_definition(matter)
    default_enabled = not matter.removed_upstream
    rows = MatterOverlay.objects.filter(centre_id=matter.centre_id, matter=matter)
    return [
        DiffRow(
            path=row.path,
            pack_value=default_enabled
            if row.path == ENABLED
            else get_path(base, row.path),
            centre_value=row.value,
            updated_at=row.updated_at,
        )
        for row in rows.order_by("path")
    ]


def overlay_counts(matters: list[Matter]) -> dict[int, int]:
    """Return {matter id: number of overlay fields} for the matters."""
    counts: dict[int, int] = {}
    rows = MatterOverlay.objects.filter(matter__in=matters)
    for matter_id in rows.values_list("matter_id", flat=True):
        counts[matter_id] = counts.get(matter_id, 0) + 1
    return counts


def admin_centre_for(user: Any, slug: str) -> Centre:
    """Return the centre `slug` if the user is its centre admin or a platform admin."""
    centre = get_centre(slug)
    require_role(user, ADMIN_ROLES, centre=centre)
    return centre


def admin_matter_for(user: Any, centre: Centre, pack_id: str) -> Matter:
    """Return the matter `pack_id` of the centre, switched on or off, for its admin."""
    require_role(user, ADMIN_ROLES, centre=centre)
    matter = (
        Matter.objects.for_centre(centre)
        .select_related("department", "current_version", "centre")
        .filter(pack_id=pack_id[:120])
        .first()
    )
    if matter is None:
        raise MatterNotInCentre(
            centre=Coded(centre.slug, centre.name), matter=echoed(pack_id)
        )
    return matter


def admin_matters(user: Any, centre: Centre) -> list[Matter]:
    """Return every matter of the centre, switched off ones too, for its admin."""
    require_role(user, ADMIN_ROLES, centre=centre)
    return list(
        Matter.objects.for_centre(centre)
        .select_related("department", "current_version")
        .order_by("department__name", "name")
    )


# --- validation --------------------------------------------------------------------------


def definition_errors(centre: Centre, definition: dict[str, Any]) -> list[PackError]:
    """Return what breaks the matter schema and the pack's matter rules in `definition`.

    Null optional keys count as absent, as they are in a filled pack matter.
    """
    document = Document(
        f"matters/{definition.get('id')}.yaml", drop_null_defaults(definition)
    )
    roles = set(
        Department.objects.for_centre(centre).values_list("role_key", flat=True)
    )
    errors = check_schema(document, "matter")
    errors += check_matter(document, roles, _known_certificate_types(centre))
    return [
        _for_centre_admin(error, definition, roles)
        for error in errors
        if error.rule not in _RULES_NOT_FOR_OVERLAYS
    ]


def _for_centre_admin(
    error: PackError, definition: dict[str, Any], roles: set[str]
) -> PackError:
    """Reword an unknown-department error for the centre admin.

    The pack's wording sends the author to departments.yaml, which a centre admin cannot
    edit, so this one lists the centre's departments to choose from instead.
    """
    if error.rule != _UNKNOWN_DEPARTMENT:
        return error
    message = str(
        _(
            "%(role)s is not a department of this centre. Use the code of one of its "
            "departments: %(roles)s."
        )
    ) % {
        "role": _value_at(definition, error.path),
        "roles": list_text(sorted(roles)) or "—",
    }
    return dataclasses.replace(error, message=message)


def _value_at(data: Any, path: str) -> Any:
    """Return the value at a formatted path such as materials[2].issuing_department."""
    for match in _PATH_PART.finditer(path):
        key, index = match.groups()
        try:
            data = data[key] if key is not None else data[int(index)]
        except (KeyError, IndexError, TypeError):
            return path
    return data


def check_definition(
    centre: Centre,
    definition: dict[str, Any],
    *,
    path: str,
    before: dict[str, Any] | None = None,
    error_class: type[OverlayValueInvalid] = OverlayValueInvalid,
) -> None:
    """Raise `error_class` listing every error of `definition` not in `before`.

    An error that `before` has too was not caused by the change, so it is not reported.
    The error lists every problem, so that one save reports all.
    """
    known = set()
    if before is not None:
        known = {_error_key(error) for error in definition_errors(centre, before)}
    new = [
        e for e in definition_errors(centre, definition) if _error_key(e) not in known
    ]
    if new:
        raise error_class(path=path, problems=new)


def _check_materials_kept(
    matter: Matter, pack: dict[str, Any], after: dict[str, Any]
) -> None:
    """Reject an overlay that empties the materials of a matter whose pack lists some.

    The pack format allows a matter without materials, as a listing's guide-only
    matters are, but a centre's empty list would leave the form and the guide of a
    matter that takes applications with an empty 申请材料 section.
    """
    listed = pack.get("materials") or []
    if listed and after.get("materials") == []:
        raise OverlayMaterialsEmpty(matter=matter.name, count=len(listed))


def _error_key(error: PackError) -> tuple[str, str, str]:
    return (error.path, error.rule, error.message)


def _known_certificate_types(centre: Centre) -> set[str]:
    installation = (
        PackInstallation.objects.for_centre(centre)
        .order_by("-installed_at", "-pk")
        .first()
    )
    codes = installation.summary.get("certificate_types", []) if installation else []
    return {str(code) for code in codes}


# --- actions -----------------------------------------------------------------------------


def set_overlay_field(*, actor: Any, matter: Matter, path: str, value: Any) -> Matter:
    """Set the centre's value of one field of the matter; see set_overlay_fields."""
    return set_overlay_fields(actor=actor, matter=matter, changes={path: value})


def set_overlay_fields(
    *, actor: Any, matter: Matter, changes: dict[str, Any]
) -> Matter:
    """Set several fields of the matter's overlay in one transaction and one new version.

    A value equal to the pack's drops the field from the overlay, so later pack changes
    to it apply again. Nothing is saved when any value breaks the matter schema.
    """
    membership = require_role(actor, ADMIN_ROLES, centre=matter.centre)
    checked = {check_path(path): value for path, value in changes.items()}
    for path, value in checked.items():
        check_value_size(path, value)
    if ENABLED in checked:
        matter = switch_matter(
            actor=actor, matter=matter, enabled=bool(checked.pop(ENABLED))
        )
    if not checked:
        return matter

    with transaction.atomic():
        matter = _locked(matter)
        fields = overlay_fields(matter)
        check_overlaps(checked, fields)
        before = apply_overlay(base_definition(matter), fields)
        fields.update(checked)
        after = apply_overlay(base_definition(matter), fields)
        _check_materials_kept(matter, base_definition(matter), after)
        check_definition(matter.centre, after, path=", ".join(checked), before=before)

        for path, value in checked.items():
            _store_field(matter, path, value, actor=actor)
        version = refresh_matter(matter, after, source="overlay")
        _audit(
            actor, membership.role, "matter.overlay_set", matter, paths=sorted(checked)
        )
    log.info(
        "matter.overlay_set",
        centre_id=matter.centre_id,
        matter_id=matter.pk,
        version=version.number if version else None,
    )
    return matter


def remove_overlay_field(*, actor: Any, matter: Matter, path: str) -> Matter:
    """Drop one field from the overlay, so the matter takes the pack's value again."""
    membership = require_role(actor, ADMIN_ROLES, centre=matter.centre)
    path = check_path(path)
    if path == ENABLED:
        return switch_matter(
            actor=actor, matter=matter, enabled=not matter.removed_upstream
        )

    with transaction.atomic():
        matter = _locked(matter)
        fields = overlay_fields(matter)
        if path not in fields:
            raise OverlayFieldNotSet(matter=matter.pack_id, path=path)
        before = apply_overlay(base_definition(matter), fields)
        del fields[path]
        after = apply_overlay(base_definition(matter), fields)
        check_definition(matter.centre, after, path=path, before=before)

        MatterOverlay.objects.filter(
            centre=matter.centre, matter=matter, path=path
        ).delete()
        version = refresh_matter(matter, after, source="overlay")
        _audit(actor, membership.role, "matter.overlay_removed", matter, paths=[path])
    log.info(
        "matter.overlay_removed",
        centre_id=matter.centre_id,
        matter_id=matter.pk,
        version=version.number if version else None,
    )
    return matter


def switch_matter(*, actor: Any, matter: Matter, enabled: bool) -> Matter:
    """Switch the matter on or off for applications; its definition and version stay."""
    membership = require_role(actor, ADMIN_ROLES, centre=matter.centre)
    with transaction.atomic():
        matter = _locked(matter)
        _store_field(matter, ENABLED, bool(enabled), actor=actor)
        Matter.objects.filter(pk=matter.pk).update(is_active=bool(enabled))
        matter.is_active = bool(enabled)
        verb = "matter.switched_on" if enabled else "matter.switched_off"
        _audit(actor, membership.role, verb, matter)
    log.info(verb, centre_id=matter.centre_id, matter_id=matter.pk)
    return matter


def add_local_matter(
    *, actor: Any, centre: Centre, definition: dict[str, Any]
) -> Matter:
    """Add a matter of the centre's own, checked like a pack matter, as its version 1."""
    membership = require_role(actor, ADMIN_ROLES, centre=centre)
    if not isinstance(definition, dict):
        raise LocalMatterUnreadable(
            line=1,
            column=1,
            rule="schema.type",
            problem=_("The definition is not a mapping of keys to values."),
        )
    check_definition(centre, definition, path="matter", error_class=LocalMatterInvalid)
    filled = fill_matter_defaults(definition)

    with transaction.atomic():
        if Matter.objects.for_centre(centre).filter(pack_id=definition["id"]).exists():
            raise LocalMatterExists(matter=definition["id"])
        department = Department.objects.get(
            centre=centre, role_key=filled["department"]
        )
        matter = Matter.objects.create(
            centre=centre,
            pack_id=filled["id"],
            origin=MatterOrigin.LOCAL,
            pack_definition=filled,
            **matter_fields(filled, department),
        )
        add_matter_version(matter, filled, source="local")
        _audit(actor, membership.role, "matter.local_added", matter)
    log.info("matter.local_added", centre_id=centre.pk, matter_id=matter.pk)
    return matter


def refresh_matter(matter: Matter, definition: dict[str, Any], *, source: str) -> Any:
    """Mirror `definition` in the matter's columns; freeze a new version if it changed.

    Returns the new MatterVersion, or None when the definition is the current one.
    """
    department = (
        Department.objects.for_centre(matter.centre)
        .filter(role_key=definition.get("department"))
        .first()
    ) or matter.department
    Matter.objects.filter(pk=matter.pk).update(**matter_fields(definition, department))
    current = matter.current_version
    if current is not None and current.definition == definition:
        return None
    return add_matter_version(matter, definition, source=source)


def _store_field(matter: Matter, path: str, value: Any, *, actor: Any) -> None:
    """Save the overlay field, or drop it when the value equals the base value."""
    if path == ENABLED:
        same_as_base = value == (not matter.removed_upstream)
    else:
        same_as_base = equals_base_value(matter, path, value)
    rows = MatterOverlay.objects.filter(centre=matter.centre, matter=matter, path=path)
    if same_as_base:
        rows.delete()
        return
    MatterOverlay.objects.update_or_create(
        centre=matter.centre,
        matter=matter,
        path=path,
        defaults={
            "value": value,
            "updated_at": timezone.now(),
            "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )


def equals_base_value(matter: Matter, path: str, value: Any) -> bool:
    """Return whether `value` at `path` equals the base definition's value there.

    Both sides are compared with absent optional keys filled in, so a list copied from
    the pack file, where an item leaves out its optional keys, equals the pack value.
    """
    base = fill_matter_defaults(base_definition(matter))
    changed = fill_matter_defaults(apply_overlay(base, {path: value}))
    return get_path(changed, path) == get_path(base, path)


def _locked(matter: Matter) -> Matter:
    return (
        # Only the matter row is locked: PostgreSQL cannot lock the nullable side of the
        # outer join to the current version.
        Matter.objects.select_for_update(of=("self",))
        .select_related("centre", "current_version", "department")
        .get(pk=matter.pk)
    )


def _audit(actor: Any, role: str, verb: str, matter: Matter, **data: Any) -> None:
    record_event(
        actor=actor,
        actor_role=role,
        verb=verb,
        object_type="matter",
        object_id=matter.pk,
        centre=matter.centre,
        data={
            "matter": matter.pack_id,
            "version": matter.current_version.number
            if matter.current_version
            else None,
            **data,
        },
    )
