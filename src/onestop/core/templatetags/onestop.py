"""Template filters shared by every surface."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

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
def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


@register.filter
def warning_label(level: str) -> str:
    return str(WARNING_LABELS.get(level, ""))
