"""One open referral per pathway per organisation: the liaison does not block the accompaniment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from amana.referrals.models import Pathway, Referral, Status

from .test_pathways import _refer, _report

pytestmark = pytest.mark.django_db


def test_a_liaison_and_an_accompaniment_go_to_the_same_police(personas, directory, login) -> None:
    case = _report(["authorities.incident", "authorities.identity"], personas)
    ngo = login(personas.caseworker)
    liaison = _refer(ngo, case, directory["police"])
    accompaniment = _refer(
        ngo, case, directory["police"], pathway="accompaniment", compartments=["identity", "incident"]
    )
    assert {liaison.pathway, accompaniment.pathway} == {Pathway.LIAISON, Pathway.ACCOMPANIMENT}
    assert Referral.objects.filter(case=case, organisation=personas.police, status=Status.SENT).count() == 2
    portal = login(personas.liaison).get("/staff/referrals/received/").content.decode()
    assert liaison.reference in portal and accompaniment.reference in portal


def test_a_second_open_referral_by_the_same_pathway_is_refused_with_what_to_do(personas, directory, login) -> None:
    case = _report(["authorities.incident"], personas)
    ngo = login(personas.caseworker)
    _refer(ngo, case, directory["police"])
    response = ngo.post(
        f"/staff/referrals/new/{case.reference}/",
        {
            "pathway": "liaison",
            "service": directory["police"].pk,
            "compartments": ["incident"],
            "purpose": "Again (example).",
            "consent_given": "site",
            "consent_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert Referral.objects.filter(case=case).count() == 1
    assert "التنسيق دون كشف الهوية" in page  # names the pathway already open
    assert "اسحبها" in page  # and says what to do


def test_a_withdrawn_referral_frees_its_pathway(personas, directory, login) -> None:
    case = _report(["authorities.incident"], personas)
    ngo = login(personas.caseworker)
    first = _refer(ngo, case, directory["police"])
    assert ngo.post(f"/staff/referrals/{first.reference}/withdraw/").status_code == 302
    second = _refer(ngo, case, directory["police"])
    assert second.pk != first.pk
