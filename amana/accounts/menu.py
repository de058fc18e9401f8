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
        Section(
            "accounts:key_requests",
            _("Case keys waiting for approval"),
            _("Approve the members an admin proposed for the key that opens your organisation's cases."),
            frozenset({Role.SUPERVISOR, Role.CPT_MEMBER, Role.LIAISON, Role.PROVIDER_STAFF}),
            25,
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
