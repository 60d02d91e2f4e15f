"""Give each case a reference to its window record, made from the label it was given.

Until now a clerk typed the window as free text. For every distinct label that cases of
a centre carry, this migration creates an active comprehensive window of that centre
whose code and name are the label, unless the centre has a window with that code
already, and points the cases with the label at it. The label column stays as it was,
so no history changes. Reversing the migration drops the reference and keeps the
windows, which the core migration then drops.
"""

import django.db.models.deletion
from django.db import migrations, models


def link_case_windows(apps, schema_editor):
    case_model = apps.get_model("cases", "Case")
    window_model = apps.get_model("core", "Window")
    labels = (
        case_model.objects.exclude(window="")
        .values_list("centre_id", "window")
        .distinct()
        .order_by("centre_id", "window")
    )
    for centre_id, label in list(labels):
        window, _created = window_model.objects.get_or_create(
            centre_id=centre_id,
            code=label,
            defaults={"name": label, "kind": "comprehensive"},
        )
        # One UPDATE per label, so the database does the work whatever the table's size.
        case_model.objects.filter(
            centre_id=centre_id, window=label, window_record__isnull=True
        ).update(window_record=window)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_held_upload"),
        ("core", "0006_windows"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="window_record",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.window",
            ),
        ),
        migrations.RunPython(link_case_windows, migrations.RunPython.noop),
    ]
