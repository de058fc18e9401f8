"""Reads of the survivor channel."""

from __future__ import annotations

from django.db.models import QuerySet

from amana.channel.models import Hotline, SurvivorAccess
from amana.channel.survivor_session import FollowUp

ACCESS_RELATED = ("case", "survivor_key", "case__messages_locker", "case__evidence_locker")


def hotlines_for(district: str = "") -> QuerySet[Hotline]:
    """Lines for her district and for every area, emergency lines first."""
    return Hotline.objects.for_district(district)


def emergency_hotlines_for(district: str = "") -> QuerySet[Hotline]:
    return Hotline.objects.for_district(district).emergency()


def access_for(follow_up: FollowUp) -> SurvivorAccess | None:
    """The access row of the visit that entered a code; None once the case is gone."""
    return SurvivorAccess.objects.select_related(*ACCESS_RELATED).filter(pk=follow_up.access_id).first()
