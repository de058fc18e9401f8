"""Move the channel's hotlines into the directory, keeping every entry the public page showed."""

from django.db import migrations


def copy_hotlines(apps, schema_editor):
    Hotline = apps.get_model("channel", "Hotline")
    Service = apps.get_model("directory", "Service")
    Service.objects.bulk_create(
        Service(
            name=hotline.name,
            number=hotline.number,
            area=hotline.area,
            hours=hotline.hours,
            languages=hotline.languages,
            kind=hotline.kind,
            is_emergency=hotline.is_emergency,
            is_hotline=True,
        )
        for hotline in Hotline.objects.all()
    )


def copy_back(apps, schema_editor):
    Hotline = apps.get_model("channel", "Hotline")
    Service = apps.get_model("directory", "Service")
    Hotline.objects.bulk_create(
        Hotline(
            name=service.name,
            number=service.number,
            area=service.area,
            hours=service.hours,
            languages=service.languages,
            kind=service.kind,
            is_emergency=service.is_emergency,
        )
        for service in Service.objects.filter(is_hotline=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("channel", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_hotlines, copy_back)]
