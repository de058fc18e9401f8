"""A file's SHA-256 moves from a plain column into the case's evidence locker.

Sealing needs only the locker's public key, so the rows already there are sealed here without any
keyring. The hash of a file whose locker was shredded cannot be read by anyone, so it is dropped.
"""

from django.db import migrations, models

from amana.vault.services import seal_to_public_key


def seal_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    EvidenceItem = apps.get_model("evidence", "EvidenceItem")
    LockerKey = apps.get_model("vault", "LockerKey")
    items = EvidenceItem.objects.exclude(sha256="").select_related("case__evidence_locker")
    for item in items.iterator():
        locker = item.case.evidence_locker
        sealed = b""
        if locker.shredded_at is None:
            key = LockerKey.objects.get(locker=locker, version=locker.current_version)
            sealed = seal_to_public_key(
                locker_id=locker.pk, version=locker.current_version, public_key=bytes(key.public_key), data=item.sha256
            )
        item.sha256_sealed = sealed
        item.sha256 = ""
        item.save(update_fields=["sha256_sealed", "sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0005_chat_timeline_pages"),
        ("cases", "0007_message_under_duress"),
        ("vault", "0004_keys_by_need"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidenceitem",
            name="sha256_sealed",
            field=models.BinaryField(default=b""),
        ),
        # Backwards the plain column comes back empty: nobody can unseal without a keyring.
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RemoveField(model_name="evidenceitem", name="sha256"),
    ]
