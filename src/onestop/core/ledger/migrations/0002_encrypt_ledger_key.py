"""Store the checkpoint signing key encrypted, like the other signing keys."""

from django.db import migrations, models

from onestop.core.signing import encrypt_private_key


def encrypt_existing_keys(apps, schema_editor):
    ledger_key = apps.get_model("ledger", "LedgerKey")
    for row in ledger_key.objects.all():
        row.private_key_encrypted = encrypt_private_key(
            bytes(row.private_key),
            associated_data=b"ledger:" + row.name.encode("utf-8"),
        )
        row.save(update_fields=["private_key_encrypted"])


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_create_ledger_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerkey",
            name="private_key_encrypted",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        # NOTE: no reverse step, because writing the key back in clear would undo the
        # protection; restore a backup to downgrade.
        migrations.RunPython(encrypt_existing_keys, migrations.RunPython.noop),
        migrations.RemoveField(model_name="ledgerkey", name="private_key"),
    ]
