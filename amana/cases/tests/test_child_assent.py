"""A girl under 15 chooses for herself on the site, and her choice is her assent: nothing is shared
with an organisation until staff record, with her, an adult's consent ("Children" in the design).
Her withdrawal counts at once at any age, and being counted in anonymous figures is her own choice."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases import services
from amana.cases.models import Case, Consent, ConsentRecord
from amana.channel.tests.conftest import STEP_DATA, answer_steps, make_case
from amana.channel.tests.test_follow_up import _enter, _main_text, _make_second_code
from amana.directory.models import Service, ServiceKind
from amana.referrals.models import Referral, ReferralGrant
from amana.referrals.models import Status as ReferralStatus
from amana.referrals.tests.conftest import refer

from .conftest import assigned_case
from .test_consent_recorded import _refer

pytestmark = pytest.mark.django_db

UNDER_15_NOTICE = "You are under 15: your choices tell us what you want."
WAITING = "She is under 15: what she chose herself is her assent."
REFUSED_UNDER_15 = "She is under 15: what she chose herself is her assent, and sharing also needs an adult"


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _given(case: Case) -> set[str]:
    return {f"{c.audience}.{c.scope}" for c in Consent.objects.filter(case=case, given=True)}


def _report(band: str, consents: list[str]) -> tuple[Case, str]:
    """A report sent through the site by a girl of this age band; returns her case and the receipt
    page she saw."""
    steps = [dict(step) for step in STEP_DATA]
    steps[0]["age_band"] = band
    steps[2]["consents"] = consents
    her = _english(Client())
    token = answer_steps(her, steps=steps)
    receipt = her.post("/step/last/", {"token": token, "send": "1", "js": "1"})
    assert receipt.status_code == 200
    return Case.objects.get(), receipt.content.decode()


def _ticked(page: str) -> set[str]:
    """The sharing choices the page shows ticked."""
    tags = re.findall(r"<input[^>]*name=\"consents\"[^>]*>", page)
    return {re.search(r'value="([^"]+)"', tag).group(1) for tag in tags if " checked" in tag}


def _police(personas: Any) -> Service:
    return Service.objects.create(name="Police unit (example)", kind=ServiceKind.POLICE, organisation=personas.police)


def _record_with_adult(client: Client, case: Case, given: list[str]) -> Any:
    return client.post(
        f"/staff/cases/{case.reference}/consent/",
        {
            "consents": given,
            "how": "in_person",
            "given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "based_on": services.latest_consent_record_id(case),
            "child_age": "12_14",
            "child_agreement": "assent",
            "adult_consent": "caregiver",
        },
    )


def test_her_report_under_15_shares_nothing_until_an_adult_agrees(personas, login) -> None:
    case, receipt = _report("under_15", ["authorities.incident", "statistics.incident"])
    assert "You are under 15: before anything you chose is shared" in receipt
    # Counted in anonymous figures at once; the police share waits, kept as her assent.
    assert _given(case) == {"statistics.incident"}
    assent = ConsentRecord.objects.get(case=case)
    assert assent.assent_only and assent.how == "site"
    assert set(assent.given) == {"authorities.incident", "statistics.incident"}
    services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    police = _police(personas)
    ngo = _english(login(personas.caseworker))

    refused = _refer(ngo, case, police)
    assert refused.status_code == 400 and REFUSED_UNDER_15 in refused.content.decode()
    assert not Referral.objects.exists()

    page = ngo.get(f"/staff/cases/{case.reference}/consent/").content.decode()
    assert WAITING in page and "her assent only, waiting for an adult" in page
    # What she asked for is listed, not ticked for the caseworker: only what is in force is ticked.
    assert _ticked(page) == {"statistics.incident"}

    assert _record_with_adult(ngo, case, ["authorities.incident", "statistics.incident"]).status_code == 302
    assert _given(case) == {"authorities.incident", "statistics.incident"}
    assert WAITING not in ngo.get(f"/staff/cases/{case.reference}/consent/").content.decode()
    assert _refer(ngo, case, police).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_on_her_page_under_15_her_choice_waits_and_her_withdrawal_counts_at_once(personas, login) -> None:
    case, code = assigned_case(personas, consents=[], age_band="under_15")
    her = _english(Client())
    _enter(her, code)
    assert UNDER_15_NOTICE in her.get("/continue/page/").content.decode()

    wanted = {"consents": ["services.incident", "authorities.incident"]}
    assert her.post("/continue/choices/", wanted).status_code == 302
    assert _given(case) == set()
    page = her.get("/continue/page/").content.decode()
    # She sees what she chose, and that an adult is asked too.
    assert _ticked(page) == {"services.incident", "authorities.incident"}
    assert UNDER_15_NOTICE in page
    assert ConsentRecord.objects.filter(case=case, assent_only=True).count() == 1
    # Saving the same choice again records nothing new.
    her.post("/continue/choices/", wanted)
    assert ConsentRecord.objects.filter(case=case).count() == 1

    # An adult's consent is recorded with her; the police receive a referral and its keys.
    ngo = login(personas.caseworker)
    assert _record_with_adult(ngo, case, ["authorities.incident"]).status_code == 302
    assert _refer(ngo, case, _police(personas)).status_code == 302
    referral = Referral.objects.get()
    assert ReferralGrant.objects.filter(referral=referral, revoked_at__isnull=True).exists()

    # She takes it back with her code: it counts at once, and the police lose the keys.
    assert her.post("/continue/choices/", {"consents": []}).status_code == 302
    assert _given(case) == set()
    assert not ReferralGrant.objects.filter(referral=referral, revoked_at__isnull=True).exists()


def test_from_15_her_own_choice_on_the_site_is_in_force(personas) -> None:
    case, receipt = _report("15_17", ["authorities.incident"])
    assert _given(case) == {"authorities.incident"}
    assert "You are under 15" not in receipt
    assert not ConsentRecord.objects.filter(case=case, assent_only=True).exists()


def test_under_her_second_code_the_page_of_a_girl_under_15_reads_as_a_real_one(personas) -> None:
    case, code = make_case(personas.ngo, consents=[], age_band="under_15")
    duress_code = _make_second_code(code)
    _other, other_code = make_case(personas.ngo, consents=[], age_band="under_15")
    real, forced = _english(Client()), _english(Client())
    _enter(real, other_code)
    _enter(forced, duress_code)
    choice = {"consents": ["authorities.incident"]}
    assert real.post("/continue/choices/", choice).status_code == forced.post("/continue/choices/", choice).status_code
    shown = forced.get("/continue/page/").content.decode()
    assert UNDER_15_NOTICE in shown
    assert _main_text(shown) == _main_text(real.get("/continue/page/").content.decode())
    # Under duress nothing was recorded for her case.
    assert not ConsentRecord.objects.filter(case=case).exists()


def test_sharing_a_girl_under_15_chose_before_without_an_adult_is_taken_back(personas, login) -> None:
    from amana.operations.schedule import JOBS

    # Her own choice was in force before it counted as assent only; the police hold a referral on it.
    alone, _code = assigned_case(personas, consents=["statistics.incident"], age_band="under_15")
    Consent.objects.filter(case=alone, audience="authorities", scope="incident").update(given=True)
    referral = refer(personas, alone)
    # Another girl's sharing was recorded with her caregiver's consent: it stays.
    confirmed, _code = assigned_case(personas, consents=[], age_band="under_15")
    assert _record_with_adult(login(personas.caseworker), confirmed, ["authorities.incident"]).status_code == 302
    # From 15 her own choice counts: it stays.
    older, _code = assigned_case(personas, consents=["authorities.incident"], age_band="15_17")

    assert JOBS["child_consents"].run() == "1 girls' sharing taken back until an adult agrees"
    assert _given(alone) == {"statistics.incident"}
    assert not ReferralGrant.objects.filter(referral=referral, revoked_at__isnull=True).exists()
    kept = ConsentRecord.objects.get(case=alone)
    assert kept.assent_only and set(kept.given) == {"authorities.incident", "statistics.incident"}
    assert AuditEntry.objects.filter(action="case.child_sharing_taken_back", object_id=str(alone.pk)).count() == 1
    assert _given(confirmed) == {"authorities.incident"} and _given(older) == {"authorities.incident"}
    # The caseworker reads what waits for an adult; a second run changes nothing.
    page = _english(login(personas.caseworker)).get(f"/staff/cases/{alone.reference}/consent/").content.decode()
    assert WAITING in page
    assert JOBS["child_consents"].run() == "0 girls' sharing taken back until an adult agrees"
