"""Which matters a window accepts.

A comprehensive window (综合窗口) accepts the matters of every department. A
department window accepts only the matters of its own department.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import Coded, InvalidInput
from onestop.core.models import Centre, Department, Window, WindowKind
from onestop.core.windows import listed_window_codes, named_window


class MatterOfDepartment(Protocol):
    """A matter as this module reads it: its name, id and responsible department."""

    name: str
    pack_id: str
    department: Department


class WindowNotForMatter(InvalidInput):
    code = "window.not_for_matter"
    message = _(
        "The window %(window)s is a window of %(department)s and accepts only that "
        "department's matters, so it cannot accept %(matter)s, a matter of "
        "%(matter_department)s. Nothing was recorded. Choose a window that accepts "
        "it: %(windows)s."
    )


def takes_matter(window: Window, matter: MatterOfDepartment) -> bool:
    """Return whether the window accepts the matter."""
    if window.kind == WindowKind.COMPREHENSIVE:
        return True
    return window.department_id == matter.department.pk


def windows_for_matter(centre: Centre, matter: MatterOfDepartment) -> list[Window]:
    """Return the active windows of the centre that accept the matter, by code."""
    return list(
        Window.objects.for_centre(centre)
        .filter(is_active=True)
        .filter(
            Q(kind=WindowKind.COMPREHENSIVE)
            | Q(kind=WindowKind.DEPARTMENT, department=matter.department)
        )
        .order_by("code")
    )


def check_window_takes_matter(
    window: Window | None, matter: MatterOfDepartment
) -> None:
    """Raise WindowNotForMatter if the window is a department window of another
    department than the matter's. No window (None) is allowed for every matter."""
    if window is None or takes_matter(window, matter):
        return
    department = window.department
    codes = [row.code for row in windows_for_matter(window.centre, matter)]
    raise WindowNotForMatter(
        window=named_window(window.name, window.code),
        department=Coded(
            department.role_key if department else "",
            department.name if department else "",
        ),
        matter=Coded(matter.pack_id, matter.name),
        matter_department=Coded(matter.department.role_key, matter.department.name),
        windows=listed_window_codes(codes),
    )
