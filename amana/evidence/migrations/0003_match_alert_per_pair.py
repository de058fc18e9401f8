import django.db.models.deletion
from django.db import migrations, models


def forget_alerts_per_identifier(apps, schema_editor):
    # Alerts were one per identifier and held no other case; the next match writes them per pair.
    apps.get_model("evidence", "MatchAlert").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("evidence", "0002_package_referral"),
    ]

    operations = [
        migrations.RunPython(forget_alerts_per_identifier, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="matchalert", name="one_match_alert_per_identifier"),
        migrations.AlterModelOptions(name="matchalert", options={"ordering": ["-created_at", "-pk"]}),
        migrations.RemoveField(model_name="matchalert", name="case_count"),
        migrations.RemoveField(model_name="matchalert", name="digest"),
        migrations.RemoveField(model_name="matchalert", name="updated_at"),
        migrations.AddField(
            model_name="matchalert",
            name="other_case",
            field=models.ForeignKey(
                default=None, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cases.case"
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="matchalert",
            constraint=models.UniqueConstraint(fields=("recipient", "case", "other_case"), name="one_match_alert_per_pair"),
        ),
    ]
