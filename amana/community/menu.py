"""The community programme's entries in the staff menu (amana.accounts.access.SECTIONS).

The texts live here so that they are translated in this app's own catalogue.
"""

from django.utils.translation import gettext_lazy as _

PROGRAMME_TITLE = _("Community programme")
PROGRAMME_DESCRIPTION = _("Security forums and their action points, trainings, awareness events and peace teams.")
TEAM_TITLE = _("My peace team")
TEAM_DESCRIPTION = _("Your team's members, trainings and mentorship sessions.")
VISITS_TITLE = _("Follow-up visits")
VISITS_DESCRIPTION = _("Visits a peace team makes for the NGO to a woman who chose that contact.")
