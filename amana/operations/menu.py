"""The staff menu entry of operations, kept here so that its words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register

JOBS_TITLE = _("Scheduled jobs")
JOBS_DESCRIPTION = _("When each periodic job last ran and how it ended: retention, backups, checkpoints and more.")


def register_sections() -> None:
    register(Section("operations:jobs", JOBS_TITLE, JOBS_DESCRIPTION, frozenset({Role.SYSTEM_ADMIN}), 160))
