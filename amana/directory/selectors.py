"""Reads of the directory. Nothing here is confidential, but lists are still paginated."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from amana.directory.models import EntryCorrection, Service, ServiceKind, ServiceQuerySet


def hotlines_for(district: str = "") -> ServiceQuerySet:
    """Hotlines for her district and for every area, emergency lines first."""
    return Service.objects.hotlines().for_district(district).prefetch_related("texts")


def emergency_hotlines_for(district: str = "") -> ServiceQuerySet:
    return hotlines_for(district).emergency()


def directory(*, district: str = "", kind: str = "") -> ServiceQuerySet:
    """Active entries, optionally for one area (and those for every area) and one type."""
    entries = (
        Service.objects.filter(is_active=True)
        .for_district(district)
        .select_related("organisation")
        .prefetch_related("texts")
    )
    if kind in ServiceKind.values:
        entries = entries.filter(kind=kind)
    return entries


def receiving_services() -> ServiceQuerySet:
    return Service.objects.receiving().select_related("organisation").prefetch_related("texts")


def entry_for_correction(service_id: int) -> Service:
    return get_object_or_404(Service.objects.prefetch_related("texts"), pk=service_id)


def corrections_of(service: Service) -> QuerySet[EntryCorrection]:
    return service.corrections.select_related("corrected_by")[:50]
