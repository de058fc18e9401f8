"""The staff menu: each app declares its own sections here from its AppConfig.ready.

The foundation knows no feature: features register themselves, so imports run one way, from the
feature apps down to `core`. A section may carry a counter (such as unread notifications) that the
menu shows next to its title.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

# A counter counts this far and no further, so that every page costs the same however many there
# are: "more than 99 new" says enough.
COUNTED_UP_TO = 99


@dataclass(frozen=True)
class Section:
    """A part of amana shown on the staff home page and in the menu.

    `order` places it in the menu (lower first); `count`, when given, returns a number to show
    next to the title for this user (0 shows nothing), counting no further than COUNTED_UP_TO + 1.
    """

    url_name: str
    title: Promise
    description: Promise
    roles: frozenset[str]
    order: int
    count: Callable[[Any], int] | None = None


def new_count_text(count: int) -> str:
    """ "3 new", or "more than 99 new" past what is counted."""
    if count > COUNTED_UP_TO:
        return gettext("more than %(most)d new") % {"most": COUNTED_UP_TO}
    return ngettext("%(counter)s new", "%(counter)s new", count) % {"counter": count}


@dataclass(frozen=True)
class VisibleSection:
    url: str
    title: Promise
    description: Promise
    count: int = 0

    @property
    def count_text(self) -> str:
        return new_count_text(self.count)


_sections: dict[str, Section] = {}


def register(*sections: Section) -> None:
    """Add or replace sections by URL name (ready() may run more than once in tests)."""
    for section in sections:
        _sections[section.url_name] = section


def sections_for(user: Any) -> list[VisibleSection]:
    """The sections this signed-in member's roles open, in menu order, with their counters.

    Worked out once per request (the page and its menu both show them): the signed-in member is
    read afresh for each request, and they are kept on it.
    """
    kept: list[VisibleSection] | None = user.__dict__.get("_amana_sections")
    if kept is None:
        kept = user.__dict__["_amana_sections"] = _sections_for(user)
    return kept


def _sections_for(user: Any) -> list[VisibleSection]:
    visible = sorted((s for s in _sections.values() if user.has_role(*s.roles)), key=lambda s: (s.order, s.url_name))
    return [
        VisibleSection(
            url=reverse(section.url_name),
            title=section.title,
            description=section.description,
            count=section.count(user) if section.count else 0,
        )
        for section in visible
    ]
