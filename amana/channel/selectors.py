"""Reads of the survivor channel."""

from __future__ import annotations

from amana.channel.models import SurvivorAccess
from amana.channel.survivor_session import FollowUp
from amana.directory import selectors as directory
from amana.directory.models import ServiceQuerySet

ACCESS_RELATED = ("case", "survivor_key", "case__messages_locker", "case__evidence_locker")


def hotlines_for(district: str = "") -> ServiceQuerySet:
    """Lines for her district and for every area, emergency lines first (from the directory)."""
    return directory.hotlines_for(district)


def emergency_hotlines_for(district: str = "") -> ServiceQuerySet:
    return directory.emergency_hotlines_for(district)


def access_for(follow_up: FollowUp) -> SurvivorAccess | None:
    """The access row of the visit that entered a code; None once the case is gone."""
    return SurvivorAccess.objects.select_related(*ACCESS_RELATED).filter(pk=follow_up.access_id).first()
