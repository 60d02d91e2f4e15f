"""Let a window clerk revoke a verified agency, and record who revoked it, at which
centre, when and why."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_windows'),
        ('identity', '0003_agency_verification'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='enterpriseagent',
            name='revocation_reason',
            field=models.CharField(blank=True, max_length=200, verbose_name='reason for revocation'),
        ),
        migrations.AddField(
            model_name='enterpriseagent',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='enterpriseagent',
            name='revoked_at_centre',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.centre'),
        ),
        migrations.AddField(
            model_name='enterpriseagent',
            name='revoked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='enterpriseagent',
            name='status',
            field=models.CharField(choices=[('pending', 'pending verification'), ('verified', 'verified'), ('rejected', 'rejected'), ('revoked', 'revoked')], default='pending', max_length=16, verbose_name='status'),
        ),
    ]
