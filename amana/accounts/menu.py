"""The members' and system administration entries in the staff menu."""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register


def register_sections() -> None:
    register(
        Section(
            "accounts:organisations",
            _("Organisations and members"),
            _("Add members, reset forgotten passwords and lost authenticators, remove people who left."),
            frozenset({Role.ORG_ADMIN, Role.SYSTEM_ADMIN}),
            20,
        ),
        # Django's admin has no app of ours to declare it; the accounts app, which owns the system
        # admin role, does.
        Section(
            "admin:index",
            _("System administration"),
            _("Organisations, staff members and settings."),
            frozenset({Role.SYSTEM_ADMIN}),
            30,
        ),
    )
