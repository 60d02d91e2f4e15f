from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_certificate_ledger_entry"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificatetype",
            name="one_valid_per_holder",
            field=models.BooleanField(
                default=False, verbose_name="one valid certificate per holder"
            ),
        ),
    ]
