"""Fixtures of referrals: directory entries for the test organisations, a reported case, keyrings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from amana.cases.models import Case
from amana.cases.tests.conftest import assigned_case
from amana.directory.models import Service, ServiceKind
from amana.referrals import services
from amana.referrals.models import Pathway, Referral
from amana.vault import services as vault
from conftest import PASSWORD

# Her choices in the channel's fixture: the authorities may know what happened, not who she is.
INCIDENT_ONLY = ["incident", "evidence"]


def keyring(user: Any) -> vault.Keyring:
    return vault.user_keyring(user, PASSWORD)


@pytest.fixture
def directory(personas: Any) -> dict[str, Service]:
    return {
        "police": Service.objects.create(
            name="Police unit (example)", kind=ServiceKind.POLICE, organisation=personas.police
        ),
        "provider": Service.objects.create(
            name="Wellbeing centre (example)", kind=ServiceKind.PSYCHOSOCIAL, organisation=personas.provider
        ),
    }


@pytest.fixture
def case(personas: Any) -> Case:
    reported, _code = assigned_case(personas)
    return reported


def refer(
    personas: Any,
    case: Case,
    *,
    pathway: str = Pathway.LIAISON,
    compartments: list[str] | None = None,
    by: Any = None,
    override_reason: str = "",
    organisation: Any = None,
    days: int = 30,
    files: list[str] | None = None,
    intimate_confirmed: bool = False,
) -> Referral:
    by = by or personas.caseworker
    return services.create_referral(
        case=case,
        organisation=organisation or personas.police,
        pathway=pathway,
        compartments=compartments or INCIDENT_ONLY,
        purpose="Find the account that threatens her (example).",
        consent_given="verbal",
        consent_until=timezone.localdate() + timedelta(days=days),
        by=by,
        keyring=keyring(by),
        service_type="psychosocial" if pathway == Pathway.SERVICE else "",
        override_reason=override_reason,
        files=files or [],
        intimate_confirmed=intimate_confirmed,
    )


def file_tokens(personas: Any, case: Case) -> list[str]:
    """The choice of every file of the case (each given its custody record first), as the form sends it."""
    from amana.evidence import services as evidence
    from amana.evidence.models import EvidenceItem

    evidence.ensure_items(case=case, keyring=keyring(personas.caseworker), by=personas.caseworker)
    return [f"file:{pk}" for pk in EvidenceItem.objects.filter(case=case).values_list("pk", flat=True)]


def shared_file_id(referral: Referral) -> int:
    """The id the partner's pages give the first file the referral shares."""
    first: int = referral.evidence_share.files.values_list("pk", flat=True)[0]
    return first


def refer_in_emergency(personas: Any, case: Case, **changes: Any) -> Referral:
    """A supervisor's emergency override: an accompaniment sharing her name, which she did not allow."""
    return refer(
        personas,
        case,
        pathway=Pathway.ACCOMPANIMENT,
        compartments=["identity", "incident"],
        by=personas.supervisor,
        **{"override_reason": "She is in danger tonight (example).", **changes},
    )
