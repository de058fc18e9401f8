"""Clearly fictional directory entries for the demo: numbers that start 0000 cannot be dialled."""

from __future__ import annotations

from django.db import transaction

from amana.accounts.models import Organisation, OrganisationKind
from amana.cases.models import District
from amana.directory.models import Service, ServiceKind

# (name, number, area, kind, emergency, hours, languages, what it accepts)
DEMO_HOTLINES = [
    (
        "Example Community Police line (demo)",
        "0000 000 0101",
        "",
        ServiceKind.POLICE,
        True,
        "24/7",
        "Arabic",
        "Reports of extortion, threats and violence (example).",
    ),
    (
        "Example women's protection line (demo)",
        "0000 000 0102",
        "",
        ServiceKind.NGO,
        True,
        "24/7",
        "Arabic, Kurdish",
        "Women and girls facing digital extortion or violence (example).",
    ),
    (
        "Example Qayyarah NGO office (demo)",
        "0000 000 0201",
        District.QAYYARAH,
        ServiceKind.NGO,
        False,
        "Sun-Thu 9:00-15:00",
        "Arabic",
        "Walk-in visits and accompaniment to the authorities (example).",
    ),
    (
        "Example wellbeing centre (demo)",
        "0000 000 0301",
        District.HAMMAM_AL_ALIL,
        ServiceKind.PSYCHOSOCIAL,
        False,
        "Sun-Thu 9:00-14:00",
        "Arabic, Kurdish",
        "Psychosocial support for women and girls, individual and in groups (example).",
    ),
    (
        "Example legal aid line (demo)",
        "0000 000 0401",
        "",
        ServiceKind.LEGAL,
        False,
        "Sun-Thu 10:00-16:00",
        "Arabic",
        "Legal advice and court accompaniment (example).",
    ),
    (
        "Example National Security office (demo)",
        "0000 000 0501",
        "",
        ServiceKind.NATIONAL_SECURITY,
        False,
        "Sun-Thu 9:00-14:00",
        "Arabic",
        "Extortion cases passed on by the NGO, without her name if she wishes (example).",
    ),
]

# Directory kinds that match an organisation kind, to link demo entries to demo organisations.
_RECEIVING_KINDS = {
    ServiceKind.POLICE: OrganisationKind.POLICE,
    ServiceKind.NATIONAL_SECURITY: OrganisationKind.NATIONAL_SECURITY,
    ServiceKind.PSYCHOSOCIAL: OrganisationKind.SERVICE_PROVIDER,
}


@transaction.atomic
def create_demo_directory() -> int:
    """Add the demo entries once, linked to a demo organisation of the matching kind; returns how many."""
    if Service.objects.exists():
        return 0
    receivers = {kind: Organisation.objects.filter(kind=kind).order_by("pk").first() for kind in OrganisationKind}
    Service.objects.bulk_create(
        Service(
            name=name,
            number=number,
            area=area,
            kind=kind,
            is_hotline=True,
            is_emergency=emergency,
            hours=hours,
            languages=languages,
            accepts=accepts,
            language="en",
            organisation=receivers.get(_RECEIVING_KINDS[kind]) if kind in _RECEIVING_KINDS else None,
        )
        for name, number, area, kind, emergency, hours, languages, accepts in DEMO_HOTLINES
    )
    return len(DEMO_HOTLINES)
