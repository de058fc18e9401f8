"""The audit log's entry in the staff menu."""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register


def register_sections() -> None:
    register(
        Section(
            "audit:log",
            _("Audit log"),
            _("Who read or changed what, and when. Entries never hold case content."),
            frozenset({Role.SUPERVISOR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN}),
            10,
        )
    )
