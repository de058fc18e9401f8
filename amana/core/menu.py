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


@dataclass(frozen=True)
class Section:
    """A part of amana shown on the staff home page and in the menu.

    `order` places it in the menu (lower first); `count`, when given, returns a number to show
    next to the title for this user (0 shows nothing).
    """

    url_name: str
    title: Promise
    description: Promise
    roles: frozenset[str]
    order: int
    count: Callable[[Any], int] | None = None


@dataclass(frozen=True)
class VisibleSection:
    url: str
    title: Promise
    description: Promise
    count: int = 0


_sections: dict[str, Section] = {}


def register(*sections: Section) -> None:
    """Add or replace sections by URL name (ready() may run more than once in tests)."""
    for section in sections:
        _sections[section.url_name] = section


def sections_for(user: Any) -> list[VisibleSection]:
    """The sections this signed-in member's roles open, in menu order, with their counters."""
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
