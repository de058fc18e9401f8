"""The staff menu entry of retention, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register

RETENTION_TITLE = _("Retention and deletion")
RETENTION_DESCRIPTION = _(
    "How long closed cases are kept, legal holds, and survivors' requests to delete their report."
)


def register_sections() -> None:
    register(
        Section(
            "retention:overview",
            RETENTION_TITLE,
            RETENTION_DESCRIPTION,
            frozenset({Role.SUPERVISOR, Role.ORG_ADMIN}),
            150,
        )
    )
