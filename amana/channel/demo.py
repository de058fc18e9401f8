"""Clearly fictional hotlines for the demo: numbers that start 0000 cannot be dialled."""

from __future__ import annotations

from django.db import transaction

from amana.cases.models import District
from amana.channel.models import Hotline, HotlineKind

DEMO_HOTLINES = [
    ("Example Community Police line (demo)", "0000 000 0101", "", HotlineKind.POLICE, True, "24/7", "Arabic"),
    ("Example women's protection line (demo)", "0000 000 0102", "", HotlineKind.NGO, True, "24/7", "Arabic, Kurdish"),
    (
        "Example Qayyarah NGO office (demo)",
        "0000 000 0201",
        District.QAYYARAH,
        HotlineKind.NGO,
        False,
        "Sun-Thu 9:00-15:00",
        "Arabic",
    ),
    (
        "Example wellbeing centre (demo)",
        "0000 000 0301",
        District.HAMMAM_AL_ALIL,
        HotlineKind.PSYCHOSOCIAL,
        False,
        "Sun-Thu 9:00-14:00",
        "Arabic, Kurdish",
    ),
    ("Example legal aid line (demo)", "0000 000 0401", "", HotlineKind.LEGAL, False, "Sun-Thu 10:00-16:00", "Arabic"),
]


@transaction.atomic
def create_demo_hotlines() -> int:
    """Add the demo hotlines once; returns how many were added."""
    if Hotline.objects.exists():
        return 0
    Hotline.objects.bulk_create(
        Hotline(name=name, number=number, area=area, kind=kind, is_emergency=emergency, hours=hours, languages=langs)
        for name, number, area, kind, emergency, hours, langs in DEMO_HOTLINES
    )
    return len(DEMO_HOTLINES)
