"""Manage a centre's windows (窗口): list, add, change, deactivate and reactivate them.

Centre admins of the centre and platform admins manage windows. Every change is audited
with the values before and after. A window is never deleted, because cases, visits,
ratings and rating pads refer to it; a window that is no longer used is deactivated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from onestop.cases.window_labels import check_window_label
from onestop.core.audit import record_event
from onestop.core.errors import Coded, echoed, listed, listed_choices
from onestop.core.full_width import fold_full_width
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Department, Role, Window, WindowKind
from onestop.core.permissions import require_role
from onestop.ratings.models import RatingPad
from onestop.window.errors import (
    WindowCodeInvalid,
    WindowCodeTaken,
    WindowDepartmentNotAllowed,
    WindowDepartmentNotFound,
    WindowDepartmentRequired,
    WindowHasPad,
    WindowKindUnknown,
    WindowNameRequired,
    WindowNameTaken,
    WindowNotFound,
)

log = get_logger(__name__)

# The roles that may see and change the windows of a centre.
ADMIN_ROLES = (Role.CENTRE_ADMIN, Role.PLATFORM_ADMIN)
# A new window's code: short and ASCII, so that clerks can type it and it is one
# segment of the API's path /api/v1/centres/<slug>/windows/<code> as typed. Windows
# made from the free-text labels of earlier versions may have codes of up to 40
# letters of any script, digits, "_" and "-" (core migration 0008 rewrote the rest).
CODE_MAX_LENGTH = 20
_CODE = re.compile(rf"[0-9A-Za-z_-]{{1,{CODE_MAX_LENGTH}}}")


@dataclass(frozen=True)
class WindowChange:
    """The fields a request changes. A field left None keeps its value."""

    name: str | None = None
    kind: str | None = None
    department: str | None = None
    is_active: bool | None = None


def windows_for(actor: Any, centre: Centre) -> list[Window]:
    """Return every window of `centre`, active or not, ordered by code, for its admins."""
    require_role(actor, ADMIN_ROLES, centre=centre)
    return list(
        Window.objects.for_centre(centre)
        .select_related("department")
        .order_by("code", "pk")
    )


def get_window_for(actor: Any, centre: Centre, code: str) -> Window:
    """Return the window `code` of `centre` for one of its admins, or raise.

    The role is checked first, so a caller who is no admin learns nothing about which
    codes exist.
    """
    require_role(actor, ADMIN_ROLES, centre=centre)
    window = (
        Window.objects.for_centre(centre)
        .select_related("centre", "department")
        .filter(code=fold_full_width(code).strip()[:40])
        .first()
    )
    if window is None:
        raise WindowNotFound(
            window=echoed(code), centre=Coded(centre.slug, centre.name)
        )
    return window


def check_code(code: str) -> str:
    """Return a new window's code without surrounding spaces, or raise.

    Full-width letters and digits, which Chinese input methods type, read as ASCII.
    """
    code = fold_full_width(code).strip()
    if not _CODE.fullmatch(code):
        raise WindowCodeInvalid(window=echoed(code), max=CODE_MAX_LENGTH)
    return code


def check_name(name: str) -> str:
    """Return a window's name without surrounding spaces, or raise."""
    name = check_window_label(name)
    if not name:
        raise WindowNameRequired()
    return name


def check_kind(
    centre: Centre, kind: str, department: str
) -> tuple[WindowKind, Department | None]:
    """Return the kind and, for a department window, the department `department`
    (its code) of `centre`, or raise."""
    if kind not in WindowKind.values:
        raise WindowKindUnknown(
            kind=echoed(kind), allowed=listed_choices(WindowKind.choices)
        )
    code = department.strip()
    if kind == WindowKind.COMPREHENSIVE:
        if code:
            raise WindowDepartmentNotAllowed(department=echoed(code))
        return WindowKind.COMPREHENSIVE, None

    departments = Department.objects.for_centre(centre)
    codes = listed(sorted(departments.values_list("role_key", flat=True)))
    if not code:
        raise WindowDepartmentRequired(centre=centre.name, departments=codes)
    found = departments.filter(role_key=code[:60]).first()
    if found is None:
        raise WindowDepartmentNotFound(
            department=echoed(code), centre=centre.name, departments=codes
        )
    return WindowKind.DEPARTMENT, found


def add_window(
    *,
    actor: Any,
    centre: Centre,
    code: str,
    name: str,
    kind: str = WindowKind.COMPREHENSIVE,
    department: str = "",
) -> Window:
    """Add an active window to `centre`. Raise WindowCodeTaken if its code is taken,
    and WindowNameTaken if another window of the centre has its name."""
    membership = require_role(actor, ADMIN_ROLES, centre=centre)
    code = check_code(code)
    name = check_name(name)
    checked_kind, found_department = check_kind(centre, kind, department)

    with transaction.atomic():
        _check_code_free(centre, code)
        _check_name_free(centre, name)
        try:
            with transaction.atomic():
                window = Window.objects.create(
                    centre=centre,
                    code=code,
                    name=name,
                    kind=checked_kind,
                    department=found_department,
                )
        except IntegrityError:
            # Another request added the code after the check above.
            _check_code_free(centre, code)
            raise
        _audit(actor, membership.role, window, "window.created", _values(window))
    log.info("window.created", window_id=window.pk, centre_id=centre.pk)
    return window


def change_window(*, actor: Any, window: Window, change: WindowChange) -> Window:
    """Apply `change` to `window` and return it.

    Renaming a window changes no case, visit, rating or pad, which keep the name they
    recorded. A new name that another window of the centre has raises WindowNameTaken.
    A window bound to a rating pad that is not revoked cannot be deactivated
    (WindowHasPad). A change that changes nothing writes no audit event.
    """
    centre = window.centre
    membership = require_role(actor, ADMIN_ROLES, centre=centre)
    requested = _checked_change(window, change)

    with transaction.atomic():
        window = (
            # Only the window's row: PostgreSQL locks no row of an outer join's
            # nullable side, which the department is.
            Window.objects.select_for_update(of=("self",))
            .select_related("centre", "department")
            .get(pk=window.pk)
        )
        before = _values(window)
        changed = {
            field: [before[field], value]
            for field, value in _values_of(requested).items()
            if before[field] != value
        }
        if not changed:
            return window
        if "name" in changed:
            _check_name_free(centre, requested["name"], other_than=window)
        if changed.get("is_active") == [True, False]:
            _check_no_pad(window)
        for field, value in requested.items():
            setattr(window, field, value)
        window.changed_at = timezone.now()
        window.save(update_fields=[*requested, "changed_at"])
        verb = _verb(changed)
        _audit(actor, membership.role, window, verb, {"changed": changed})
    log.info(verb, window_id=window.pk, centre_id=centre.pk, fields=sorted(changed))
    return window


def _checked_change(window: Window, change: WindowChange) -> dict[str, Any]:
    """Return the checked new values of the fields that `change` gives."""
    requested: dict[str, Any] = {}
    if change.name is not None:
        requested["name"] = check_name(change.name)
    if change.kind is not None or change.department is not None:
        kind = change.kind if change.kind is not None else window.kind
        department = change.department
        if department is None:
            # A window made comprehensive loses its department, and one that stays a
            # department window keeps it.
            current = window.department
            keeps = kind == WindowKind.DEPARTMENT and current is not None
            department = current.role_key if current is not None and keeps else ""
        requested["kind"], requested["department"] = check_kind(
            window.centre, kind, department
        )
    if change.is_active is not None:
        requested["is_active"] = change.is_active
    return requested


def _check_code_free(centre: Centre, code: str) -> None:
    existing = Window.objects.for_centre(centre).filter(code=code).first()
    if existing is not None:
        raise WindowCodeTaken(window=code, name=existing.name, centre=centre.name)


def _check_name_free(
    centre: Centre, name: str, other_than: Window | None = None
) -> None:
    """Raise WindowNameTaken if a window of `centre`, active or not, other than
    `other_than` has the name `name`.

    A deactivated window counts, so that reactivating it makes no second window of its
    name. Windows named alike before this check existed keep their names until renamed.
    """
    # NOTE: no database constraint backs this check, so two requests that add or rename
    # windows to one name at the same moment can both pass it.
    windows = Window.objects.for_centre(centre).filter(name=name)
    if other_than is not None:
        windows = windows.exclude(pk=other_than.pk)
    existing = windows.order_by("code").first()
    if existing is not None:
        raise WindowNameTaken(name=name, window=existing.code, centre=centre.name)


def _check_no_pad(window: Window) -> None:
    pad = (
        RatingPad.objects.for_centre(window.centre_id)
        .filter(window_record=window, revoked_at__isnull=True)
        .first()
    )
    if pad is not None:
        raise WindowHasPad(window=window.code, pad=pad.pk)


def _values(window: Window) -> dict[str, Any]:
    """Return a window's fields as the audit events record them."""
    return {
        "code": window.code,
        "name": window.name,
        "kind": window.kind,
        "department": window.department.role_key if window.department else None,
        "is_active": window.is_active,
    }


def _values_of(requested: dict[str, Any]) -> dict[str, Any]:
    values = dict(requested)
    if "department" in values:
        department = values["department"]
        values["department"] = department.role_key if department else None
    if "kind" in values:
        values["kind"] = str(values["kind"])
    return values


def _verb(changed: dict[str, Any]) -> str:
    if set(changed) == {"is_active"}:
        return "window.reactivated" if changed["is_active"][1] else "window.deactivated"
    return "window.changed"


def _audit(
    actor: Any, actor_role: str, window: Window, verb: str, data: dict[str, Any]
) -> None:
    record_event(
        actor=actor,
        actor_role=actor_role,
        verb=verb,
        object_type="window",
        object_id=window.pk,
        centre=window.centre,
        data={"code": window.code, **data},
    )
