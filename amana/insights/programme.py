"""Forums and activities an M&E officer can compare before and after (dates and titles only)."""

from __future__ import annotations

from datetime import date

from amana.accounts.models import User
from amana.community import selectors as community


def activity_choices(user: User) -> list[tuple[str, str]]:
    """Forums and activities to compare before and after, the latest first (dates and titles only)."""
    forums = [
        (f"forum:{pk}", f"{held_on:%Y-%m-%d} · {place}", held_on)
        for pk, held_on, place in community.forums_for(user)
        .order_by("-held_on")
        .values_list("pk", "held_on", "place")[:50]
    ]
    activities = [
        (f"activity:{pk}", f"{held_on:%Y-%m-%d} · {title}", held_on)
        for pk, held_on, title in community.activities_for(user)
        .order_by("-held_on")
        .values_list("pk", "held_on", "title")[:50]
    ]
    return [(key, label) for key, label, _day in sorted(forums + activities, key=lambda item: item[2], reverse=True)]


def activity_month(user: User, choice: str) -> date | None:
    """The month of the chosen forum or activity, if it is one of the person's own."""
    kind, _sep, number = choice.partition(":")
    if not number.isdigit():
        return None
    records = community.forums_for(user) if kind == "forum" else community.activities_for(user)
    held_on = records.filter(pk=int(number)).values_list("held_on", flat=True).first()
    return held_on.replace(day=1) if held_on else None
