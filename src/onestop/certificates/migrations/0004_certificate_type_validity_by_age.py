from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_certificate_type_one_valid_per_holder"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificatetype",
            name="validity_by_age",
            field=models.JSONField(
                blank=True, default=list, verbose_name="validity by age at issue"
            ),
        ),
    ]
