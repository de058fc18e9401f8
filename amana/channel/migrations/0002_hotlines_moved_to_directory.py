"""The hotlines now live in the directory (copied by directory 0002 before this runs)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("channel", "0001_initial"),
        ("directory", "0002_hotlines_from_channel"),
    ]

    operations = [migrations.DeleteModel(name="Hotline")]
