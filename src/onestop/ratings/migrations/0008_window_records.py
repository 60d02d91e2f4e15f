"""Give each visit, rating and rating pad a reference to its window record.

For every distinct window label of a centre's visits, ratings and rating pads, this
migration uses the centre's window whose code is the label, which the cases migration
may have created, or else creates an active comprehensive window whose code and name
are the label. The label columns stay as they were, so no history changes. A centre
has at most one pad that is not revoked per label, so the pad constraint moves from
the label to the window record without a conflict.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LABELLED_MODELS = ("Visit", "Rating", "RatingPad")


def link_rating_windows(apps, schema_editor):
    window_model = apps.get_model("core", "Window")
    for model_name in LABELLED_MODELS:
        model = apps.get_model("ratings", model_name)
        labels = (
            model.objects.exclude(window="")
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
            model.objects.filter(
                centre_id=centre_id, window=label, window_record__isnull=True
            ).update(window_record=window)


def window_record_field():
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="core.window",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_case_window_record"),
        ("core", "0006_windows"),
        ("ratings", "0007_rating_policy_pads_required"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="ratingpad",
            name="rating_pad_one_per_window",
        ),
        migrations.AddField(
            model_name="rating",
            name="window_record",
            field=window_record_field(),
        ),
        migrations.AddField(
            model_name="ratingpad",
            name="window_record",
            field=window_record_field(),
        ),
        migrations.AddField(
            model_name="visit",
            name="window_record",
            field=window_record_field(),
        ),
        migrations.RunPython(link_rating_windows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="ratingpad",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revoked_at__isnull", True)),
                fields=("centre", "window_record"),
                name="rating_pad_one_per_window",
            ),
        ),
    ]
