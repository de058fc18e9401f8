"""The staff menu entries of cases, kept here so that their words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register

QUEUE_TITLE = _("Cases")
QUEUE_DESCRIPTION = _("Reports your organisation received, urgent ones first: read them, reply and follow up.")
NOTIFICATIONS_TITLE = _("Notifications")
NOTIFICATIONS_DESCRIPTION = _("Urgent reports, high risks, cases assigned to you and closures to decide.")
TEAM_CASES_TITLE = _("Cases our team received")
TEAM_CASES_DESCRIPTION = _("Hand a case over to a protection NGO with her consent, then follow its status.")


def register_sections() -> None:
    from amana.cases.selectors import unread_count

    register(
        Section("cases:queue", QUEUE_TITLE, QUEUE_DESCRIPTION, frozenset({Role.CASEWORKER, Role.SUPERVISOR}), 40),
        Section(
            "cases:notifications",
            NOTIFICATIONS_TITLE,
            NOTIFICATIONS_DESCRIPTION,
            frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
            60,
            count=unread_count,
        ),
        Section("cases:team_cases", TEAM_CASES_TITLE, TEAM_CASES_DESCRIPTION, frozenset({Role.CPT_MEMBER}), 70),
    )
