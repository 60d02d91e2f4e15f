"""Template filters shared by every surface."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

UNIT_LABELS = {"working_days": _("working days"), "natural_days": _("natural days")}
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
WARNING_LABELS = {"ok": _("on time"), "yellow": _("due soon"), "red": _("overdue")}


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """Return mapping[key], or "" when the mapping has no such key."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


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
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime.datetime):
        return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
