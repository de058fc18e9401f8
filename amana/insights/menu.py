"""The insights entry in the staff menu."""

from amana.accounts.models import Role
from amana.core.menu import Section, register
from amana.insights.labels import INSIGHTS_DESCRIPTION, INSIGHTS_TITLE


def register_sections() -> None:
    register(
        Section(
            "insights:dashboard",
            INSIGHTS_TITLE,
            INSIGHTS_DESCRIPTION,
            frozenset({Role.ME_OFFICER, Role.SUPERVISOR}),
            140,
        )
    )
