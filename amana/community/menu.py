"""The community programme's entries in the staff menu (see amana.core.menu).

The texts live here so that they are translated in this app's own catalogue.
"""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register

PROGRAMME_TITLE = _("Community programme")
PROGRAMME_DESCRIPTION = _("Security forums and their action points, trainings, awareness events and peace teams.")
TEAM_TITLE = _("My peace team")
TEAM_DESCRIPTION = _("Your team's members, trainings and mentorship sessions.")
VISITS_TITLE = _("Follow-up visits")
VISITS_DESCRIPTION = _("Visits a peace team makes for the NGO to a woman who chose that contact.")


def register_sections() -> None:
    register(
        Section(
            "community:overview",
            PROGRAMME_TITLE,
            PROGRAMME_DESCRIPTION,
            frozenset({Role.ME_OFFICER, Role.CPT_MEMBER}),
            80,
        ),
        Section("community:teams", TEAM_TITLE, TEAM_DESCRIPTION, frozenset({Role.CPT_MEMBER}), 90),
        Section(
            "community:visits",
            VISITS_TITLE,
            VISITS_DESCRIPTION,
            frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.CPT_MEMBER}),
            95,
        ),
    )
