"""Keep the first rating of each case and delete the later ones.

A case could be rated once per channel, so one case may have an online rating and a kiosk
rating (or a QR code or SMS rating), and the statistics counted every one of them. A case
gets one rating, whichever the channel, as 好差评 counts one rating per case. For each case
with more than one rating outside a visit, this migration keeps the first one made (the
earliest created_at, then the lowest id) and deletes the later ones together with their
rectifications. Ratings of visits are left alone. The next migration adds the unique
constraint that stops a second rating. Reversing this migration restores nothing.
"""

from django.db import migrations
from django.db.models import Count

BATCH = 500


def keep_first_rating(apps, schema_editor):
    rating_model = apps.get_model("ratings", "Rating")
    rectification_model = apps.get_model("ratings", "Rectification")
    case_ratings = rating_model.objects.filter(visit__isnull=True, case__isnull=False)
    groups = list(
        case_ratings.values("centre_id", "case_id")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
        .values_list("centre_id", "case_id")
    )
    later: list[int] = []
    for centre_id, case_id in groups:
        ids = case_ratings.filter(centre_id=centre_id, case_id=case_id).order_by(
            "created_at", "id"
        )
        later.extend(ids.values_list("id", flat=True)[1:])
    for start in range(0, len(later), BATCH):
        batch = later[start : start + BATCH]
        rectification_model.objects.filter(rating_id__in=batch).delete()
        rating_model.objects.filter(id__in=batch).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0002_visits_links_policy_and_rectifications"),
    ]

    operations = [
        migrations.RunPython(keep_first_rating, migrations.RunPython.noop),
    ]
