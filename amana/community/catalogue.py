"""The built-in entries of the community catalogues, with their names in each language.

Programme staff add their own entries (stored with a plain name); the built-in ones are stored by
key, so that every screen shows them in the reader's language.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

BUILT_IN_TOPICS: dict[str, Promise] = {
    "types_of_extortion": _("Types of digital extortion"),
    "reporting_mechanisms": _("Support and reporting mechanisms"),
    "confidentiality": _("Confidentiality"),
    "referral_pathways": _("Referral pathways"),
    "gbv_prevention_response": _("GBV prevention and response"),
    "unarmed_civilian_protection": _("Unarmed civilian protection"),
    "violence_prevention": _("Violence prevention"),
    "protection": _("Protection"),
    "conflict_sensitivity": _("Conflict sensitivity"),
    "leadership": _("Leadership"),
    "advocacy": _("Advocacy"),
    "gender_equality": _("Gender equality"),
    "inclusive_decision_making": _("Inclusive decision-making"),
}

BUILT_IN_AUDIENCES: dict[str, Promise] = {
    "young_women": _("Young women"),
    "adult_women": _("Adult women"),
    "young_men": _("Young men"),
    "adult_men": _("Adult men"),
    "police_staff": _("Police staff"),
    "cpt_members": _("Community Peace Team members"),
    "community_leaders": _("Community leaders"),
    "teachers": _("Teachers"),
}

BUILT_IN_INSTITUTIONS: dict[str, Promise] = {
    "community_police": _("Community Police"),
    "national_security": _("National Security"),
    "national_intelligence": _("National Intelligence"),
    "family_protection": _("Family Protection Directorate"),
    "local_council": _("Local council"),
    "health_directorate": _("Health directorate"),
    "programme_ngo": _("The programme's NGO"),
    "peace_team": _("Community Peace Team"),
}
