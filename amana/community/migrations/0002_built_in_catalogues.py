"""The built-in topics, audiences and institutions; their names in each language come from
amana/community/catalogue.py, by key."""

from django.db import migrations

BUILT_IN = {
    "Topic": [
        "types_of_extortion",
        "reporting_mechanisms",
        "confidentiality",
        "referral_pathways",
        "gbv_prevention_response",
        "unarmed_civilian_protection",
        "violence_prevention",
        "protection",
        "conflict_sensitivity",
        "leadership",
        "advocacy",
        "gender_equality",
        "inclusive_decision_making",
    ],
    "Audience": [
        "young_women",
        "adult_women",
        "young_men",
        "adult_men",
        "police_staff",
        "cpt_members",
        "community_leaders",
        "teachers",
    ],
    "Institution": [
        "community_police",
        "national_security",
        "national_intelligence",
        "family_protection",
        "local_council",
        "health_directorate",
        "programme_ngo",
        "peace_team",
    ],
}


def add_built_ins(apps, schema_editor):
    for model_name, keys in BUILT_IN.items():
        model = apps.get_model("community", model_name)
        for key in keys:
            model.objects.get_or_create(key=key, defaults={"name": key})


def remove_built_ins(apps, schema_editor):
    for model_name, keys in BUILT_IN.items():
        apps.get_model("community", model_name).objects.filter(key__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(add_built_ins, remove_built_ins)]
