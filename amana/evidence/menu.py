"""The staff menu entry of evidence, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register

ALERTS_TITLE = _("Repeat extortionists")
ALERTS_DESCRIPTION = _(
    "Alerts when one of your cases names the same extortionist as another case; another organisation's case is "
    "never named."
)


def register_sections() -> None:
    register(Section("evidence:alerts", ALERTS_TITLE, ALERTS_DESCRIPTION, frozenset({Role.SUPERVISOR}), 130))
