"""Keys by need: members whose roles need no case key (M&E officers, organisation admins, system
admins) lose their sealed copy of the organisation's key; everyone else keeps what their role needs."""

from django.db import migrations

# The roles that hold the organisation's key (amana.accounts.models.KEY_ROLES), frozen here as
# migrations must not import the models they change.
KEY_ROLES = ("caseworker", "supervisor", "cpt_member", "liaison", "provider_staff")


def delete_keys_not_needed(apps, schema_editor):
    MemberKey = apps.get_model("vault", "MemberKey")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    holders = RoleAssignment.objects.filter(role__in=KEY_ROLES).values("user_id")
    MemberKey.objects.exclude(user_id__in=holders).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_key_request"),
        ("vault", "0003_signing_keys"),
    ]

    # Deleted keys cannot come back: going back leaves them deleted (an approver gives them again).
    operations = [migrations.RunPython(delete_keys_not_needed, migrations.RunPython.noop)]
