"""Rewrite window codes that cannot be one segment of a URL path.

The migrations that made windows from free-text labels kept each label as the code,
so a code may contain "/", "?", "#", "%", spaces or other punctuation, which the API's
/api/v1/centres/<slug>/windows/<code> path cannot carry as typed. This migration
replaces each run of characters other than letters, digits, "_" and "-" with one "-"
and trims "-" from both ends: "综合窗口 9" becomes "综合窗口-9" and "3/4" becomes "3-4".
A code left empty becomes "window-<id>", and a code that another window of the centre
already has gets "-2", "-3", … appended. Letters of every script stay, because HTTP
clients percent-encode them and Django decodes them before routing.

The window keeps its row, name and kind, so every case, visit, rating and rating pad
still refers to it, and their recorded window names do not change. Each rewrite is an
audit event "window.changed" by the system, with the code before and after. Reversing
the migration keeps the new codes, because the audit events contain the old ones.
"""

import re

from django.db import migrations
from django.utils import timezone

CODE_MAX_LENGTH = 40
# Letters and digits of any script (Python's Unicode \w), "_" and "-".
SAFE_CODE = re.compile(r"[\w-]+")
UNSAFE_RUN = re.compile(r"[^\w-]+")


def safe_code(code, window_id, taken):
    """Return a code for the window made of safe characters and not in `taken`."""
    base = (
        UNSAFE_RUN.sub("-", code).strip("-")[:CODE_MAX_LENGTH] or f"window-{window_id}"
    )
    candidate = base
    number = 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: CODE_MAX_LENGTH - len(suffix)] + suffix
    return candidate


def is_safe(code):
    return len(code) <= CODE_MAX_LENGTH and SAFE_CODE.fullmatch(code) is not None


def rewrite_unsafe_codes(apps, schema_editor):
    window_model = apps.get_model("core", "Window")
    choice_model = apps.get_model("core", "WindowChoice")
    event_model = apps.get_model("core", "AuditEvent")
    rows = window_model.objects.order_by("centre_id", "pk").values_list(
        "pk", "centre_id", "code"
    )
    by_centre: dict[int, list[tuple[int, str]]] = {}
    for window_id, centre_id, code in rows.iterator(chunk_size=2000):
        by_centre.setdefault(centre_id, []).append((window_id, code))

    now = timezone.now()
    for centre_id, windows in by_centre.items():
        taken = {code for _id, code in windows if is_safe(code)}
        for window_id, code in windows:
            if is_safe(code):
                continue
            new_code = safe_code(code, window_id, taken)
            taken.add(new_code)
            window_model.objects.filter(pk=window_id).update(
                code=new_code, changed_at=now
            )
            choice_model.objects.filter(window_id=window_id).update(code=new_code)
            event_model.objects.create(
                centre_id=centre_id,
                at=now,
                actor=None,
                actor_role="system",
                verb="window.changed",
                object_type="window",
                object_id=str(window_id),
                data={"code": new_code, "changed": {"code": [code, new_code]}},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_window_choice"),
        ("cases", "0007_case_window_record"),
        ("ratings", "0008_window_records"),
    ]

    operations = [
        migrations.RunPython(rewrite_unsafe_codes, migrations.RunPython.noop),
    ]
