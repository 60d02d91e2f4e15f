"""Template filters shared by every surface."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from onestop.core import windows
from onestop.core.dates import format_local_date, format_local_datetime
from onestop.core.file_types import file_type_name
from onestop.core.middleware import request_too_large_message as request_message

register = template.Library()

UNIT_LABELS = {"working_days": _("working days"), "natural_days": _("natural days")}
WARNING_LABELS = {"ok": _("on time"), "yellow": _("due soon"), "red": _("overdue")}


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """Return mapping[key], or "" when the mapping has no such key."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def window_title(name: str, code: str) -> str:
    """Name a window by its name and, unless the name contains it, its code."""
    return windows.window_title(str(name), str(code))


@register.filter
def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


@register.filter
def warning_label(level: str) -> str:
    return str(WARNING_LABELS.get(level, ""))


@register.filter
def local_time(value: Any) -> str:
    """Render a datetime or ISO datetime string as "YYYY-MM-DD HH:MM" in Asia/Shanghai.

    A value without a zone is taken as UTC, as stored. A value that is not a datetime is
    returned unchanged, and an empty value as "".
    """
    return format_local_datetime(value)


@register.filter
def local_date(value: Any) -> str:
    """Render a date, a datetime or an ISO string as "YYYY-MM-DD", the date of pages.

    A datetime is first taken to Asia/Shanghai. Other text is returned unchanged, and an
    empty value as "".
    """
    return format_local_date(value)


register.simple_tag(request_message, name="request_too_large_message")
register.filter("file_type", file_type_name)
