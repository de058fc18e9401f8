"""The staff menu entry of the directory, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register

DIRECTORY_TITLE = _("Service directory")
DIRECTORY_DESCRIPTION = _("Services and hotlines by area and type: hours, languages and what each accepts.")


def register_sections() -> None:
    register(Section("directory:list", DIRECTORY_TITLE, DIRECTORY_DESCRIPTION, frozenset(Role.values), 120))
