"""The staff menu entry of intake, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register

INTAKE_TITLE = _("Record a report")
INTAKE_DESCRIPTION = _(
    "A report taken on a hotline call, in person or in the community: the same questions as the site."
)


def register_sections() -> None:
    register(
        Section(
            "intake:new",
            INTAKE_TITLE,
            INTAKE_DESCRIPTION,
            frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.CPT_MEMBER}),
            50,
        )
    )
