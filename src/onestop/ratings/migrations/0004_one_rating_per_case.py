"""Allow one rating per case, whichever the channel, in place of one per channel.

The previous migration deleted the later ratings of cases rated more than once, so the
unique index can be built on existing data.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0003_keep_first_rating_of_each_case"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="rating",
            name="rating_once",
        ),
        migrations.AddConstraint(
            model_name="rating",
            constraint=models.UniqueConstraint(
                condition=models.Q(("visit__isnull", True)),
                fields=("centre", "case"),
                name="rating_once_per_case",
            ),
        ),
    ]
