"""/api/v1/centres/{slug}/windows: list, add and change the windows of a centre."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import StrictBool

from onestop.core.centres import get_centre
from onestop.core.dates import api_iso
from onestop.core.models import Window, WindowKind
from onestop.core.schemas import ApiDateTime, InputSchema
from onestop.window import manage

router = Router(tags=["windows"])


class WindowOut(Schema):
    code: str
    name: str
    # "comprehensive" (综合窗口) or "department" (a department's own window).
    kind: str
    kind_label: str
    # The department's code, for a department window; null otherwise.
    department: str | None
    department_name: str | None
    is_active: bool
    created_at: ApiDateTime
    changed_at: ApiDateTime


class WindowIn(InputSchema):
    code: str
    name: str
    kind: str = WindowKind.COMPREHENSIVE.value
    department: str = ""


class WindowChangeIn(InputSchema):
    # A member left out keeps its value. Strict, so that "false" is not a boolean.
    name: str | None = None
    kind: str | None = None
    department: str | None = None
    is_active: StrictBool | None = None


def window_out(window: Window) -> WindowOut:
    department = window.department
    return WindowOut(
        code=window.code,
        name=window.name,
        kind=window.kind,
        kind_label=str(WindowKind(window.kind).label),
        department=department.role_key if department else None,
        department_name=department.name if department else None,
        is_active=window.is_active,
        created_at=api_iso(window.created_at) or "",
        changed_at=api_iso(window.changed_at) or "",
    )


@router.get("/{slug}/windows", response=list[WindowOut])
def list_windows(request: HttpRequest, slug: str) -> list[WindowOut]:
    centre = get_centre(slug)
    return [window_out(row) for row in manage.windows_for(request.user, centre)]


@router.get("/{slug}/windows/{code}", response=WindowOut)
def get_window(request: HttpRequest, slug: str, code: str) -> WindowOut:
    centre = get_centre(slug)
    return window_out(manage.get_window_for(request.user, centre, code))


@router.post("/{slug}/windows", response={201: WindowOut})
def add_window(request: HttpRequest, slug: str, payload: WindowIn) -> Status:
    centre = get_centre(slug)
    window = manage.add_window(
        actor=request.user,
        centre=centre,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        department=payload.department,
    )
    return Status(201, window_out(window))


@router.put("/{slug}/windows/{code}", response=WindowOut)
def change_window(
    request: HttpRequest, slug: str, code: str, payload: WindowChangeIn
) -> WindowOut:
    """Rename a window, change its kind or department, or deactivate or reactivate
    it with `is_active`."""
    centre = get_centre(slug)
    window = manage.get_window_for(request.user, centre, code)
    changed = manage.change_window(
        actor=request.user,
        window=window,
        change=manage.WindowChange(**payload.model_dump()),
    )
    return window_out(changed)
