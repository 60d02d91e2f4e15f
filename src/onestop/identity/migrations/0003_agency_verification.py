"""Give each agency a status and record who verified it.

Agencies registered before verification existed become verified by migration, so
that no agent loses access. New claims start pending.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def verify_existing_agencies(apps, schema_editor):
    agency_model = apps.get_model("identity", "EnterpriseAgent")
    agency_model.objects.filter(status="pending").update(
        status="verified", authority="migration", decided_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_plural_names"),
        ("identity", "0002_sign_in_throttle"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(
            model_name="enterprise",
            name="agents",
        ),
        migrations.AddField(
            model_name="enterpriseagent",
            name="authority",
            field=models.CharField(
                blank=True,
                choices=[
                    ("legal_representative", "the agent is the legal representative"),
                    ("power_of_attorney", "power of attorney (授权委托书) seen"),
                    ("migration", "agent registered before agencies were verified"),
                ],
                max_length=24,
                verbose_name="authority",
            ),
        ),
        migrations.AddField(
            model_name="enterpriseagent",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="enterpriseagent",
            name="decided_at_centre",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.centre",
            ),
        ),
        migrations.AddField(
            model_name="enterpriseagent",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="enterpriseagent",
            name="licence_seen",
            field=models.BooleanField(
                default=False, verbose_name="business licence seen"
            ),
        ),
        migrations.AddField(
            model_name="enterpriseagent",
            name="rejection_reason",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="reason for rejection"
            ),
        ),
        migrations.AddField(
            model_name="enterpriseagent",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "pending verification"),
                    ("verified", "verified"),
                    ("rejected", "rejected"),
                ],
                default="pending",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="enterpriseagent",
            name="enterprise",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="agencies",
                to="identity.enterprise",
            ),
        ),
        migrations.AlterField(
            model_name="enterpriseagent",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="agencies",
                to="identity.person",
            ),
        ),
        migrations.AddIndex(
            model_name="enterpriseagent",
            index=models.Index(
                fields=["status", "since"], name="agency_status_since_idx"
            ),
        ),
        migrations.RunPython(verify_existing_agencies, migrations.RunPython.noop),
    ]
