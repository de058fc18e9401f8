"""A referral's keys live exactly as long as her consent and the referral's work, played through the screens.

Each scenario is what was seen before: a finished referral kept its keys, withdrawal and expiry
looked only at open referrals, and an emergency override lasted as long as the consent date.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amana.cases import services as case_services
from amana.cases.models import Audience, Notification, NotificationKind, Scope, Sender
from amana.cases.selectors import open_identity, open_incident
from amana.cases.tests.conftest import CLOSE_ANYWAY
from amana.referrals.models import Pathway, Referral, ReferralGrant, RevokedBecause, Status
from amana.referrals.selectors import ACCESS_ENDED
from amana.vault import services as vault
from amana.vault.services import NoKey

from .conftest import file_tokens, keyring, refer, refer_in_emergency, shared_file_id

pytestmark = pytest.mark.django_db

NARRATIVE = "He says he will send the photos to my brother (example)."
EDIT_AFTER = "Written by the NGO after she withdrew (example)."


def _withdraw_everything(code: str) -> None:
    """She comes back with her code and takes back every choice, on the survivor site."""
    client = Client()
    assert client.post("/continue/", {"code": code}).status_code == 302
    assert client.post("/continue/choices/", {"consents": []}).status_code == 302


def _portal(login, user, referral) -> str:
    response = login(user).get(f"/staff/referrals/received/{referral.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def _told(status: str) -> str:
    """The sentence the portal shows (in Arabic, the staff pages' default) when access ended."""
    with translation.override("ar"):
        return str(ACCESS_ENDED[status])


def _partner_opens_nothing(personas, case, partner) -> None:
    held = keyring(partner)
    for opener in (open_identity, open_incident):
        with pytest.raises(NoKey):
            opener(case, keyring=held)
    for locker in (case.identity_locker, case.incident_locker, case.evidence_locker):
        assert partner.organisation_id not in vault.holder_organisation_ids(locker)


@pytest.fixture
def reported(personas):
    from amana.channel.tests.conftest import make_case

    case, code = make_case(personas.ngo)
    case_services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    case_services.add_evidence(
        case=case, files=[SimpleUploadedFile("threat-screenshot.png", b"\x89PNG example")], sender=Sender.SURVIVOR
    )
    return case, code


def test_withdrawal_after_a_liaison_was_done_leaves_the_police_nothing(personas, login, reported) -> None:
    case, code = reported
    referral = refer(personas, case)
    police = login(personas.liaison)
    base = f"/staff/referrals/received/{referral.reference}"
    assert police.post(f"{base}/accept/").status_code == 302
    assert NARRATIVE in police.get(f"{base}/").content.decode()
    assert police.post(f"{base}/done/", {"text": "Handled (example)."}).status_code == 302
    _withdraw_everything(code)
    ngo = login(personas.caseworker)
    edit = {
        "narrative": EDIT_AFTER,
        "perpetrator_phones": "07700000000",
        "perpetrator_accounts": "",
        "technology_facilitated": "yes",
    }
    assert ngo.post(f"/staff/cases/{case.reference}/incident/", edit).status_code == 302

    page = _portal(login, personas.liaison, referral)
    for secret in (NARRATIVE, EDIT_AFTER, "7700000000", "@example_account", "threat-screenshot"):
        assert secret not in page
    assert _told(Status.DONE) in page
    _partner_opens_nothing(personas, case, personas.liaison)
    assert set(ReferralGrant.objects.filter(referral=referral).values_list("revoked_because", flat=True)) == {"done"}


def test_withdrawal_after_an_accompaniment_with_her_name_leaves_the_police_nothing(personas, login, reported) -> None:
    case, code = reported
    case_services.set_consents(
        case=case, given=[(Audience.AUTHORITIES, Scope.INCIDENT), (Audience.AUTHORITIES, Scope.IDENTITY)], by=None
    )
    referral = refer(personas, case, pathway=Pathway.ACCOMPANIMENT, compartments=["identity", "incident"])
    assert "Noor (example)" in _portal(login, personas.liaison, referral)
    login(personas.liaison).post(f"/staff/referrals/received/{referral.reference}/accept/")
    ngo = login(personas.caseworker)
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    base = f"/staff/referrals/{referral.reference}"
    assert (
        ngo.post(
            f"{base}/schedule/",
            {"scheduled_at": when, "staff": [personas.caseworker.pk], "attendees": "Noor (example)"},
        ).status_code
        == 302
    )
    assert ngo.post(f"{base}/outcome/", {"outcome": "report_filed", "note": "Filed (example)."}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.DONE
    _withdraw_everything(code)

    page = _portal(login, personas.liaison, referral)
    assert "Noor (example)" not in page and "0750" not in page and NARRATIVE not in page
    _partner_opens_nothing(personas, case, personas.liaison)


def test_expiry_after_done_takes_what_a_finished_referral_still_held(personas, login, reported) -> None:
    case, _code = reported
    referral = refer(personas, case)
    # A referral finished before keys ended with the work: done, yet still holding its grants.
    Referral.objects.filter(pk=referral.pk).update(
        status=Status.DONE, consent_until=timezone.localdate() - timedelta(days=30)
    )
    assert open_incident(case, keyring=keyring(personas.liaison))
    call_command("expire_referrals")
    assert not ReferralGrant.objects.filter(referral=referral, revoked_at__isnull=True).exists()
    _partner_opens_nothing(personas, case, personas.liaison)
    assert NARRATIVE not in _portal(login, personas.liaison, referral)


def test_the_daily_run_counts_what_it_ended(personas, reported, capsys) -> None:
    case, _code = reported
    referral = refer(personas, case)
    Referral.objects.filter(pk=referral.pk).update(status=Status.DONE)
    call_command("expire_referrals")
    assert "1 referral(s) expired." in capsys.readouterr().out
    call_command("expire_referrals")
    assert "0 referral(s) expired." in capsys.readouterr().out


def test_a_declined_referral_keeps_no_key_to_the_exchange(personas, login, reported) -> None:
    case, _code = reported
    referral = refer(personas, case)
    police = login(personas.liaison)
    response = police.post(f"/staff/referrals/received/{referral.reference}/decline/", {"text": "Not ours (example)."})
    assert response.status_code == 302
    assert personas.police.pk not in vault.holder_organisation_ids(referral.exchange_locker)
    _partner_opens_nothing(personas, case, personas.liaison)
    page = _portal(login, personas.liaison, referral)
    assert "Find the account" not in page and _told(Status.DECLINED) in page


def test_closing_the_case_ends_every_referral(personas, login, reported) -> None:
    case, _code = reported
    referral = refer(personas, case)
    ngo = login(personas.caseworker)
    request = {"reason": "her_choice", "not_asked_because": "Her phone is checked (example)."}
    assert ngo.post(f"/staff/cases/{case.reference}/closure/", request).status_code == 302
    response = login(personas.supervisor).post(f"/staff/cases/{case.reference}/closure/decision/", CLOSE_ANYWAY)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CASE_CLOSED
    _partner_opens_nothing(personas, case, personas.liaison)
    assert personas.police.pk not in vault.holder_organisation_ids(referral.exchange_locker)
    assert _told(Status.CASE_CLOSED) in _portal(login, personas.liaison, referral)


def test_the_partner_is_told_access_ended_but_not_what_she_chose(personas, login, reported) -> None:
    case, code = reported
    referral = refer(personas, case)
    _withdraw_everything(code)
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    client = login(personas.liaison)
    page = client.get(f"/staff/referrals/received/{referral.reference}/").content.decode()
    portal = client.get("/staff/referrals/received/").content.decode()
    assert _told(Status.WITHDRAWN) in page and NARRATIVE not in page
    with translation.override("ar"):
        for label in (Status.WITHDRAWN.label, Status.EXPIRED.label, RevokedBecause.SURVIVOR.label):
            assert str(label) not in page and str(label) not in portal


def test_an_emergency_override_ends_after_its_short_time(personas, login, reported, settings) -> None:
    settings.AMANA_OVERRIDE_HOURS = 72
    settings.AMANA_OVERRIDE_WARNING_HOURS = 12
    case, _code = reported
    referral = refer_in_emergency(personas, case, days=300)
    granted = timezone.now()
    # 61 hours later: the supervisors are told, once, before it ends.
    ReferralGrant.objects.filter(referral=referral).update(granted_at=granted - timedelta(hours=61))
    call_command("expire_referrals")
    call_command("expire_referrals")
    warned = Notification.objects.filter(kind=NotificationKind.OVERRIDE_ENDING, case=case)
    assert set(warned.values_list("recipient", flat=True)) == {personas.supervisor.pk, personas.caseworker.pk}
    assert open_identity(case, keyring=keyring(personas.liaison))["name"] == "Noor (example)"
    # 73 hours later, her consent to share her name was never recorded: the name is locked again.
    ReferralGrant.objects.filter(referral=referral).update(granted_at=granted - timedelta(hours=73))
    assert "Noor (example)" not in _portal(login, personas.liaison, referral)
    with pytest.raises(NoKey):
        open_identity(case, keyring=keyring(personas.liaison))
    # What her choices allowed (what happened) stays while the referral is open.
    assert open_incident(case, keyring=keyring(personas.liaison))
    assert dict(referral.grants.values_list("compartment", "revoked_because")) == {
        "identity": "override_end",
        "incident": "",
    }


def test_an_override_whose_consent_was_recorded_meanwhile_stays(personas, reported) -> None:
    case, _code = reported
    referral = refer_in_emergency(personas, case)
    case_services.set_consents(
        case=case, given=[(Audience.AUTHORITIES, Scope.INCIDENT), (Audience.AUTHORITIES, Scope.IDENTITY)], by=None
    )
    ReferralGrant.objects.filter(referral=referral).update(granted_at=timezone.now() - timedelta(hours=80))
    call_command("expire_referrals")
    assert open_identity(case, keyring=keyring(personas.liaison))["name"] == "Noor (example)"
    assert not referral.grants.filter(by_override=True).exists()
    # From now on it follows her choices like any other grant.
    case_services.set_consents(case=case, given=[(Audience.AUTHORITIES, Scope.INCIDENT)], by=None)
    with pytest.raises(NoKey):
        open_identity(case, keyring=keyring(personas.liaison))


def test_a_revoked_partners_old_urls_open_nothing(personas, login, reported) -> None:
    case, code = reported
    referral = refer(personas, case, files=file_tokens(personas, case))
    evidence_id = shared_file_id(referral)
    police = login(personas.liaison)
    base = f"/staff/referrals/received/{referral.reference}"
    assert police.get(f"{base}/files/{evidence_id}/").status_code == 200
    assert police.get(f"{base}/files/{evidence_id}/download/").status_code == 200
    _withdraw_everything(code)
    assert police.get(f"{base}/files/{evidence_id}/").status_code == 404
    assert police.get(f"{base}/files/{evidence_id}/download/").status_code == 404
    for step, data in (("accept", {}), ("question", {"text": "Still there? (example)"}), ("done", {"text": ""})):
        response = police.post(f"{base}/{step}/", data, follow=True)
        assert response.status_code == 200
        with translation.override("ar"):
            refused = _("This step is not possible at this stage of the referral.")
        assert str(refused) in response.content.decode()
    assert not referral.questions.exists()
