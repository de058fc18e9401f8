"""The staff menu entries of referrals, kept here so that their words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.core.menu import Section, register

NGO_TITLE = _("Referrals")
NGO_DESCRIPTION = _("Referrals of your cases: answers, questions from partners, dates and outcomes.")
PORTAL_TITLE = _("Referrals received")
PORTAL_DESCRIPTION = _("Cases referred to your organisation: accept or decline, record what you did, ask the NGO.")


def register_sections() -> None:
    register(
        Section("referrals:list", NGO_TITLE, NGO_DESCRIPTION, frozenset({Role.CASEWORKER, Role.SUPERVISOR}), 100),
        Section(
            "referrals:portal", PORTAL_TITLE, PORTAL_DESCRIPTION, frozenset({Role.LIAISON, Role.PROVIDER_STAFF}), 110
        ),
    )
