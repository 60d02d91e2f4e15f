"""Template filters of application forms."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.translation import gettext as _

from onestop.cases.formdata import display_value
from onestop.cases.receipts import RECEIPT_BANNER_TAG
from onestop.cases.uploads import upload_too_large_message
from onestop.core.errors import list_text

register = template.Library()


@register.filter
def condition_hint(field: dict[str, Any], fields: list[dict[str, Any]]) -> str:
    """Return the hint of a field that applies only for some values of another, such
    as "Only when 领取方式 is 邮寄送达", or "" for a field without `applies_when`."""
    condition = field.get("applies_when")
    if not isinstance(condition, dict):
        return ""
    controlling = next(
        (item for item in fields if item["key"] == condition.get("field")), {}
    )
    labels = [
        str(display_value({**controlling, "type": "select"}, value))
        for value in condition.get("values") or []
    ]
    label = controlling.get("label", condition.get("field"))
    if len(labels) == 1:
        return _("Only when %(field)s is %(value)s") % {
            "field": label,
            "value": labels[0],
        }
    return _("Only when %(field)s is one of %(values)s") % {
        "field": label,
        "values": list_text(labels),
    }


@register.filter
def condition_values(field: dict[str, Any]) -> str:
    """Return the values of a field's `applies_when` as a JSON array for the script."""
    condition = field.get("applies_when")
    if not isinstance(condition, dict):
        return "[]"
    return json.dumps([str(value) for value in condition.get("values") or []])


@register.filter
def optional_materials(materials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the materials whose necessity is `optional` (非必要), in guide order."""
    return [m for m in materials if m.get("necessity") == "optional"]


@register.filter
def needed_materials(materials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the required and deferrable (容缺) materials, in guide order."""
    return [m for m in materials if m.get("necessity") != "optional"]


register.simple_tag(upload_too_large_message, name="too_large_message")


@register.filter
def shows_receipt_banner(messages: Any) -> bool:
    """Return whether the page's messages include the banner "receipt being prepared".

    The message storage can be read again within one request, after base.html has
    listed the messages.
    """
    return any(
        RECEIPT_BANNER_TAG in message.extra_tags.split() for message in messages or []
    )
