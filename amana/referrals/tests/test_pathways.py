"""Each pathway from her report on the site to the referral's outcome, through the real screens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases.models import Case
from amana.cases.selectors import open_incident
from amana.cases.services import assign_case
from amana.channel.tests.conftest import STEP_DATA, report_through_site
from amana.referrals.models import Referral, Status
from amana.vault.services import NoKey

from .conftest import keyring

pytestmark = pytest.mark.django_db


def _report(consents: list[str], personas: Any) -> Case:
    """Her report through the site, assigned by the supervisor to the caseworker persona."""
    steps = [*STEP_DATA[:-1], {**STEP_DATA[-1], "consents": consents}]
    report_through_site(Client(), steps=steps)
    case = Case.objects.latest("created_at")
    assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    return case


def _refer(client: Client, case: Case, service: Any, **changes: Any) -> Referral:
    data = {
        "pathway": "liaison",
        "service": service.pk,
        "compartments": ["incident", "evidence"],
        "purpose": "Stop the account that threatens her (example).",
        "consent_given": "site",
        "consent_until": (timezone.localdate() + timedelta(days=60)).isoformat(),
        **changes,
    }
    response = client.post(f"/staff/referrals/new/{case.reference}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Referral.objects.get(reference=response["Location"].rstrip("/").split("/")[-1])


def _ok(response: Any) -> None:
    assert response.status_code == 302, response.content.decode()[:3000]


def test_liaison_without_identity_from_report_to_done(personas, directory, login) -> None:
    case = _report(["authorities.incident"], personas)
    ngo, police = login(personas.caseworker), login(personas.liaison)
    referral = _refer(ngo, case, directory["police"])
    portal = f"/staff/referrals/received/{referral.reference}/"
    assert referral.reference in police.get("/staff/referrals/received/").content.decode()
    _ok(police.post(f"{portal}accept/"))
    _ok(police.post(f"{portal}question/", {"text": "Did he also call her family (example)?"}))
    question = referral.questions.get()
    assert "Did he also call" in ngo.get(f"/staff/referrals/{referral.reference}/").content.decode()
    _ok(
        ngo.post(
            f"/staff/referrals/{referral.reference}/questions/{question.pk}/answer/",
            {"text": "No, only her (example)."},
        )
    )
    assert "No, only her (example)." in police.get(portal).content.decode()
    _ok(police.post(f"{portal}action/", {"kind": "identified", "note": "Traced the number (example)."}))
    _ok(police.post(f"{portal}action/", {"kind": "account_removed", "note": ""}))
    _ok(police.post(f"{portal}done/", {"text": "Handled (example)."}))
    referral.refresh_from_db()
    assert referral.status == Status.DONE
    page = ngo.get(f"/staff/referrals/{referral.reference}/").content.decode()
    assert "Traced the number (example)." in page and "Handled (example)." in page
    assert "Noor (example)" not in police.get(portal).content.decode()


def test_accompaniment_from_report_to_outcome(personas, directory, login) -> None:
    case = _report(["authorities.incident", "authorities.identity"], personas)
    ngo, police = login(personas.caseworker), login(personas.liaison)
    referral = _refer(ngo, case, directory["police"], pathway="accompaniment", compartments=["identity", "incident"])
    detail = f"/staff/referrals/{referral.reference}/"
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    _ok(
        ngo.post(
            f"{detail}schedule/",
            {"scheduled_at": when, "staff": [personas.caseworker.pk], "attendees": "She and her aunt (example)."},
        )
    )
    page = police.get(f"/staff/referrals/received/{referral.reference}/").content.decode()
    assert "Noor (example)" in page and "She and her aunt (example)." in page
    _ok(police.post(f"/staff/referrals/received/{referral.reference}/accept/"))
    _ok(ngo.post(f"{detail}outcome/", {"outcome": "report_filed", "note": "The report was registered (example)."}))
    referral.refresh_from_db()
    assert referral.status == Status.DONE and referral.outcome == "report_filed"
    assert list(referral.staff.all()) == [personas.caseworker]


def test_safe_space_meeting_from_report_to_outcome(personas, directory, login) -> None:
    case = _report(["authorities.incident", "authorities.identity"], personas)
    ngo, police = login(personas.caseworker), login(personas.liaison)
    referral = _refer(ngo, case, directory["police"], pathway="safe_space", compartments=["incident"])
    detail = f"/staff/referrals/{referral.reference}/"
    # An outcome before a date is refused, and nothing is lost.
    _ok(police.post(f"/staff/referrals/received/{referral.reference}/accept/"))
    _ok(ngo.post(f"{detail}outcome/", {"outcome": "statement_taken", "note": "x"}))
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and not referral.outcome
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "scheduled_at": when,
        "room": "Room 2 (example)",
        "staff": [personas.supervisor.pk],
        "attendees": "An officer (example).",
    }
    _ok(ngo.post(f"{detail}schedule/", data))
    _ok(ngo.post(f"{detail}outcome/", {"outcome": "statement_taken", "note": "The officer listened (example)."}))
    referral.refresh_from_db()
    assert referral.status == Status.DONE and referral.room == "Room 2 (example)"
    assert "Room 2 (example)" in police.get(f"/staff/referrals/received/{referral.reference}/").content.decode()


def test_service_referral_declined_with_reason_then_accepted_and_done(personas, directory, login) -> None:
    case = _report(["services.incident"], personas)
    ngo, provider = login(personas.caseworker), login(personas.provider_staff)
    first = _refer(
        ngo, case, directory["provider"], pathway="service", service_type="psychosocial", compartments=["incident"]
    )
    portal = f"/staff/referrals/received/{first.reference}/"
    assert provider.post(f"{portal}decline/", {"text": ""}).status_code == 400
    _ok(provider.post(f"{portal}decline/", {"text": "No counsellor free this month (example)."}))
    first.refresh_from_db()
    assert first.status == Status.DECLINED
    assert (
        "No counsellor free this month (example)." in ngo.get(f"/staff/referrals/{first.reference}/").content.decode()
    )
    with pytest.raises(NoKey):
        open_incident(case, keyring=keyring(personas.provider_staff))
    second = _refer(
        ngo, case, directory["provider"], pathway="service", service_type="psychosocial", compartments=["incident"]
    )
    portal = f"/staff/referrals/received/{second.reference}/"
    _ok(provider.post(f"{portal}accept/"))
    _ok(provider.post(f"{portal}action/", {"kind": "session_held", "note": "First session (example)."}))
    _ok(provider.post(f"{portal}done/", {"text": ""}))
    second.refresh_from_db()
    assert second.status == Status.DONE


def test_the_referral_form_explains_bad_input_and_saves_nothing(personas, directory, login) -> None:
    case = _report(["authorities.incident"], personas)
    ngo = login(personas.caseworker)
    url = f"/staff/referrals/new/{case.reference}/"
    assert ngo.post(url, {}).status_code == 400
    response = ngo.post(
        url,
        {
            "pathway": "liaison",
            "service": directory["police"].pk,
            "compartments": ["identity"],
            "purpose": "x",
            "consent_given": "site",
            "consent_until": "soon",
        },
    )
    assert response.status_code == 400
    response = ngo.post(
        url,
        {
            "pathway": "accompaniment",
            "service": directory["police"].pk,
            "compartments": ["identity"],
            "purpose": "x" * 5000,
            "consent_given": "site",
            "consent_until": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    # The form for a caseworker has no override; one sent anyway changes nothing.
    response = ngo.post(
        url,
        {
            "pathway": "accompaniment",
            "service": directory["police"].pk,
            "compartments": ["identity"],
            "purpose": "x",
            "consent_given": "site",
            "consent_until": timezone.localdate().isoformat(),
            "override_reason": "Emergency",
        },
    )
    assert response.status_code == 400 and "override_reason" not in response.content.decode()
    assert not Referral.objects.exists()


def test_a_supervisor_overrides_through_the_form(personas, directory, login) -> None:
    case = _report(["authorities.incident"], personas)
    supervisor = login(personas.supervisor)
    referral = _refer(
        supervisor,
        case,
        directory["police"],
        pathway="accompaniment",
        compartments=["identity", "incident"],
        consent_given="",
        override_reason="She is in danger tonight (example).",
    )
    assert referral.is_override
    assert AuditEntry.objects.filter(action="referral.emergency_override", object_id=str(referral.pk)).exists()
    page = supervisor.get(f"/staff/referrals/{referral.reference}/").content.decode()
    assert "She is in danger tonight (example)." in page
    assert (
        "She is in danger tonight"
        not in login(personas.liaison).get(f"/staff/referrals/received/{referral.reference}/").content.decode()
    )


def test_an_expired_consent_opens_nothing_on_the_portal(personas, directory, login) -> None:
    case = _report(["authorities.incident"], personas)
    referral = _refer(login(personas.caseworker), case, directory["police"])
    Referral.objects.filter(pk=referral.pk).update(consent_until=timezone.localdate() - timedelta(days=1))
    page = login(personas.liaison).get(f"/staff/referrals/received/{referral.reference}/").content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.EXPIRED and "He says he will send the photos" not in page


def test_the_case_page_shows_its_referrals(personas, directory, login) -> None:
    case = _report(["authorities.incident"], personas)
    ngo = login(personas.caseworker)
    referral = _refer(ngo, case, directory["police"])
    page = ngo.get(f"/staff/cases/{case.reference}/").content.decode()
    assert referral.reference in page and f"/staff/referrals/new/{case.reference}/" in page
