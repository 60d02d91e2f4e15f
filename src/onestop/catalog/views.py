"""The centre admin's catalogue pages: matters, the overlay editor, diffs and conflicts."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onestop.catalog import overlay, upgrade
from onestop.catalog.field_labels import MATTER_FIELD_LABELS
from onestop.catalog.models import Matter
from onestop.core.errors import OneStopError, echoed
from onestop.core.models import Centre, Role
from onestop.core.pages import handles_errors, posted_choice
from onestop.core.permissions import RoleRequired, centres_of, find_role

# Fields with their own input on the editor; every other field uses "path = JSON value".
COMMON_FIELDS = [
    ("name", MATTER_FIELD_LABELS["name"], "text"),
    (
        "time_limits.promised.amount",
        MATTER_FIELD_LABELS["time_limits.promised.amount"],
        "number",
    ),
    ("conditions", MATTER_FIELD_LABELS["conditions"], "textarea"),
    ("location", MATTER_FIELD_LABELS["location"], "text"),
    ("hours", MATTER_FIELD_LABELS["hours"], "text"),
    ("consultation", MATTER_FIELD_LABELS["consultation"], "text"),
    ("complaint", MATTER_FIELD_LABELS["complaint"], "text"),
]
# A conflict id as the conflicts page posts it: digits only, short enough for the
# database's 64-bit integer primary key.
_CONFLICT_ID = re.compile(r"[0-9]{1,18}")


@login_required
@handles_errors
def index(request: HttpRequest) -> HttpResponse:
    centres = _admin_centres(request.user)
    if len(centres) == 1:
        return redirect("catalog:matters", slug=centres[0].slug)
    return render(request, "catalog/index.html", {"centres": centres})


@login_required
@handles_errors
def matters(request: HttpRequest, slug: str) -> HttpResponse:
    centre = overlay.admin_centre_for(request.user, slug)
    rows = overlay.admin_matters(request.user, centre)
    counts = overlay.overlay_counts(rows)
    return render(
        request,
        "catalog/matters.html",
        {
            "centre": centre,
            "matters": [(matter, counts.get(matter.pk, 0)) for matter in rows],
            "conflict_count": len(upgrade.open_conflicts(request.user, centre)),
        },
    )


@login_required
@handles_errors
def edit_overlay(request: HttpRequest, slug: str, pack_id: str) -> HttpResponse:
    centre = overlay.admin_centre_for(request.user, slug)
    matter = overlay.admin_matter_for(request.user, centre, pack_id)
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            notices = _apply_edit(request, matter)
        except OneStopError as caught:
            error = caught
        else:
            for notice in notices:
                messages.success(request, notice)
            return redirect("catalog:overlay", slug=centre.slug, pack_id=matter.pack_id)
    matter.refresh_from_db()
    # After an error the common fields show what was typed, since nothing was saved.
    typed = request.POST if error is not None else None
    return render(
        request,
        "catalog/overlay.html",
        _editor_context(centre, matter, error, typed),
        status=error.status if error else 200,
    )


@login_required
@handles_errors
def diff(request: HttpRequest, slug: str, pack_id: str) -> HttpResponse:
    centre = overlay.admin_centre_for(request.user, slug)
    matter = overlay.admin_matter_for(request.user, centre, pack_id)
    rows = [
        {
            "path": row.path,
            "pack": _json(row.pack_value),
            "centre": _json(row.centre_value),
            "updated_at": row.updated_at,
        }
        for row in overlay.overlay_diff(matter)
    ]
    return render(
        request, "catalog/diff.html", {"centre": centre, "matter": matter, "rows": rows}
    )


@login_required
@handles_errors
def conflicts(request: HttpRequest, slug: str) -> HttpResponse:
    centre = overlay.admin_centre_for(request.user, slug)
    if request.method == "POST":
        conflict = upgrade.get_conflict_for(
            request.user, centre, _posted_conflict_id(request)
        )
        take_pack = posted_choice(request, "choice", CONFLICT_CHOICES) == "pack"
        upgrade.resolve_conflict(
            actor=request.user, conflict=conflict, take_pack=take_pack
        )
        messages.success(request, _("The conflict is resolved."))
        return redirect("catalog:conflicts", slug=centre.slug)
    rows = [
        {
            "conflict": conflict,
            "base": _json(conflict.base_value),
            "pack": _json(conflict.pack_value),
            "centre": _json(conflict.centre_value),
        }
        for conflict in upgrade.open_conflicts(request.user, centre)
    ]
    return render(request, "catalog/conflicts.html", {"centre": centre, "rows": rows})


@login_required
@handles_errors
def new_local_matter(request: HttpRequest, slug: str) -> HttpResponse:
    centre = overlay.admin_centre_for(request.user, slug)
    error: OneStopError | None = None
    text = request.POST.get("definition", "")
    if request.method == "POST":
        try:
            definition = overlay.parse_local_matter(text)
            matter = overlay.add_local_matter(
                actor=request.user, centre=centre, definition=definition
            )
        except OneStopError as caught:
            error = caught
        else:
            messages.success(request, _("The local matter is added."))
            return redirect("catalog:overlay", slug=centre.slug, pack_id=matter.pack_id)
    else:
        first = centre.department_set.order_by("role_key").first()
        template = overlay.local_matter_template(first.role_key if first else "")
        text = yaml.safe_dump(template, allow_unicode=True, sort_keys=False)
    return render(
        request,
        "catalog/new_local.html",
        {"centre": centre, "definition": text, "error": error},
        status=error.status if error else 200,
    )


EDIT_ACTIONS = ("common", "path", "remove", "switch")
CONFLICT_CHOICES = ("centre", "pack")


def _apply_edit(request: HttpRequest, matter: Matter) -> list[str]:
    """Call the action the submitted form names; return the notices to show."""
    action = posted_choice(request, "action", EDIT_ACTIONS)
    if action == "common":
        changes = _common_changes(request, overlay.effective_definition(matter))
        if not changes:
            return [_("No field was changed, so nothing was saved.")]
        matter = overlay.set_overlay_fields(
            actor=request.user, matter=matter, changes=changes
        )
        return _saved_notices(matter, list(changes))

    if action == "path":
        # The path is checked first, so that an empty one is reported as missing
        # rather than named in a JSON error.
        path = overlay.check_path(request.POST.get("path", ""))
        value = overlay.parse_json_value(path, request.POST.get("value", ""))
        matter = overlay.set_overlay_field(
            actor=request.user, matter=matter, path=path, value=value
        )
        if path in overlay.overlay_fields(matter):
            return [_("Saved the field %(path)s.") % {"path": path}]
        return [_pack_value_notice(path)]

    if action == "remove":
        path = request.POST.get("path", "")
        overlay.remove_overlay_field(actor=request.user, matter=matter, path=path)
        return [_pack_value_notice(path.strip())]

    # The switch form's checkbox is absent from the post when it is unticked.
    enabled = request.POST.get("enabled") == "on"
    overlay.switch_matter(actor=request.user, matter=matter, enabled=enabled)
    if enabled:
        return [_("The matter is open for applications.")]
    return [_("The matter is switched off.")]


def _saved_notices(matter: Matter, paths: list[str]) -> list[str]:
    """Say which fields keep a centre value and which now follow the pack.

    A value equal to the pack's is not stored, so such a field follows the pack again.
    """
    stored = overlay.overlay_fields(matter)
    stored_paths = [path for path in paths if path in stored]
    notices = [_pack_value_notice(path) for path in paths if path not in stored]
    if stored_paths:
        saved = ngettext(
            "Saved %(count)s changed field.",
            "Saved %(count)s changed fields.",
            len(stored_paths),
        )
        notices.insert(0, saved % {"count": len(stored_paths)})
    return notices


def _pack_value_notice(path: str) -> str:
    return _("The field %(path)s has the pack's value again.") % {"path": path}


def _common_changes(request: HttpRequest, definition: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for path, label, kind in COMMON_FIELDS:
        if path not in request.POST:
            continue
        text = request.POST[path].strip()
        value: Any = text
        if kind == "number":
            value = overlay.parse_whole_number(str(label), path, text)
        if value != overlay.get_path(definition, path):
            changes[path] = value
    return changes


def _editor_context(
    centre: Centre,
    matter: Matter,
    error: OneStopError | None,
    typed: QueryDict | None = None,
) -> dict[str, Any]:
    """Build the editor's context. `typed` is a rejected post, shown in the common fields."""
    definition = overlay.effective_definition(matter)
    typed = typed if typed is not None else QueryDict()
    entries_kept = any(path in typed for path, _label, _kind in COMMON_FIELDS)
    # Only an error of the common form is shown beside a common field.
    error_path = _common_field_of(error) if error and entries_kept else None
    fields = [
        {
            "path": path,
            "label": label,
            "kind": kind,
            "value": typed[path]
            if path in typed
            else _field_text(overlay.get_path(definition, path)),
            "error": error.render() if error and path == error_path else "",
        }
        for path, label, kind in COMMON_FIELDS
    ]
    return {
        "centre": centre,
        "matter": matter,
        "fields": fields,
        "entries_kept": entries_kept,
        "overlay_rows": overlay.overlay_diff(matter),
        "materials": _json(definition.get("materials") or [], indent=2),
        "error": error,
    }


def _common_field_of(error: OneStopError) -> str | None:
    """Return the path of the common field that `error` is about, if it is one.

    A number error names its field. A schema error names the place it found, which
    can be the field, a place inside it or the object that contains it.
    """
    if isinstance(error, overlay.OverlayNumberInvalid):
        return str(error.details.get("path"))
    if not isinstance(error, overlay.OverlayValueInvalid):
        return None
    where = str(error.details.get("where", ""))
    for path, _label, _kind in COMMON_FIELDS:
        if _same_place(where, path):
            return path
    return None


def _same_place(where: str, path: str) -> bool:
    """Return whether the place `where` is the field `path`, inside it or contains it."""
    inner, outer = sorted((where, path), key=len, reverse=True)
    return inner == outer or inner.startswith((outer + ".", outer + "["))


def _admin_centres(user: Any) -> list[Centre]:
    if find_role(user, [Role.PLATFORM_ADMIN]) is not None:
        return list(Centre.objects.order_by("region_code"))
    ids = centres_of(user, [Role.CENTRE_ADMIN])
    if not ids:
        raise RoleRequired(role=Role.CENTRE_ADMIN, centre="")
    return list(Centre.objects.filter(pk__in=ids).order_by("region_code"))


def _field_text(value: Any) -> str:
    if value is overlay.MISSING or value is None:
        return ""
    return str(value)


def _json(value: Any, indent: int | None = None) -> str:
    if value is overlay.MISSING:
        return "—"
    return json.dumps(value, ensure_ascii=False, indent=indent)


def _posted_conflict_id(request: HttpRequest) -> int:
    """Return the posted conflict id, or raise upgrade.ConflictIdInvalid.

    A missing, repeated or non-numeric id is rejected rather than read as some other
    conflict.
    """
    values = request.POST.getlist("conflict")
    value = values[0] if len(values) == 1 else " + ".join(values)
    if not _CONFLICT_ID.fullmatch(value):
        raise upgrade.ConflictIdInvalid(value=echoed(value))
    return int(value)
