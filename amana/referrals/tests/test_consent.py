"""Consent is enforced by keys: exactly the consented lockers are granted, and revoked when it ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases import services as case_services
from amana.cases.models import Audience, Scope
from amana.cases.selectors import open_identity, open_incident
from amana.referrals import services
from amana.referrals.models import Pathway, Referral, Status
from amana.referrals.services import ReferralRefused
from amana.vault import services as vault
from amana.vault.services import NoKey

from .conftest import keyring, refer, refer_in_emergency

pytestmark = pytest.mark.django_db


def test_it_grants_exactly_the_consented_lockers(personas, case) -> None:
    referral = refer(personas, case)
    assert personas.police.pk in vault.holder_organisation_ids(case.incident_locker)
    # Evidence goes file by file under the referral's own locker: never the case's evidence locker.
    assert personas.police.pk in vault.holder_organisation_ids(referral.evidence_share.locker)
    for locker in (case.identity_locker, case.evidence_locker, case.care_locker, case.messages_locker):
        assert personas.police.pk not in vault.holder_organisation_ids(locker)
    assert sorted(referral.grants.values_list("compartment", flat=True)) == ["evidence", "incident"]
    assert open_incident(case, keyring=keyring(personas.liaison))["narrative"].startswith("He says")


def test_it_refuses_what_her_choices_do_not_allow(personas, case) -> None:
    with pytest.raises(ReferralRefused):
        refer(personas, case, pathway=Pathway.ACCOMPANIMENT, compartments=["identity", "incident"])
    # Services were not allowed anything at all.
    with pytest.raises(ReferralRefused):
        refer(personas, case, pathway=Pathway.SERVICE, organisation=personas.provider)
    assert not Referral.objects.exists()
    assert personas.police.pk not in vault.holder_organisation_ids(case.identity_locker)


def test_a_police_liaison_in_liaison_mode_can_never_decrypt_the_identity(personas, case) -> None:
    case_services.set_consents(
        case=case, given=[(Audience.AUTHORITIES, Scope.INCIDENT), (Audience.AUTHORITIES, Scope.IDENTITY)], by=None
    )
    with pytest.raises(ReferralRefused):
        refer(personas, case, compartments=["identity", "incident"])
    with pytest.raises(ReferralRefused):
        refer(personas, case, compartments=["identity"], by=personas.supervisor, override_reason="Danger (example).")
    refer(personas, case)
    with pytest.raises(NoKey):
        open_identity(case, keyring=keyring(personas.liaison))


def test_only_a_supervisor_overrides_and_the_override_is_audited(personas, case) -> None:
    with pytest.raises(ReferralRefused):
        refer(personas, case, pathway=Pathway.ACCOMPANIMENT, compartments=["identity"], override_reason="x")
    referral = refer_in_emergency(personas, case, override_reason="She said she will harm herself tonight (example).")
    assert referral.is_override and referral.override_by == personas.supervisor
    assert dict(referral.grants.values_list("compartment", "by_override")) == {"identity": True, "incident": False}
    entry = AuditEntry.objects.get(action="referral.emergency_override")
    assert entry.actor_id == personas.supervisor.pk and entry.object_id == str(referral.pk)
    assert open_identity(case, keyring=keyring(personas.liaison))["name"] == "Noor (example)"


def test_the_override_shows_in_the_audit_log_without_its_reason(personas, case, login) -> None:
    refer(
        personas,
        case,
        pathway=Pathway.ACCOMPANIMENT,
        compartments=["identity"],
        by=personas.supervisor,
        override_reason="Secret reason (example).",
    )
    page = login(personas.supervisor).get("/staff/audit/").content.decode()
    assert "أحال دون موافقة، في حالة طارئة" in page and "Secret reason" not in page


def test_her_withdrawal_revokes_old_and_new_data_of_that_compartment(personas, case) -> None:
    referral = refer(personas, case)
    liaison = keyring(personas.liaison)
    assert open_incident(case, keyring=liaison)
    case_services.set_consents(case=case, given=[], by=None)
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert set(referral.grants.values_list("revoked_because", flat=True)) == {"survivor"}
    new_data = vault.seal(case.incident_locker, "Written after she withdrew (example).")
    fresh = keyring(personas.liaison)
    with pytest.raises(NoKey):
        open_incident(case, keyring=fresh)
    with pytest.raises(NoKey):
        vault.open(case.incident_locker, new_data, keyring=fresh)
    # The NGO still reads both.
    assert vault.open_text(case.incident_locker, new_data, keyring=keyring(personas.caseworker))


def test_a_withdrawal_of_one_scope_keeps_what_she_still_allows(personas, case) -> None:
    case_services.set_consents(
        case=case, given=[(Audience.AUTHORITIES, Scope.INCIDENT), (Audience.AUTHORITIES, Scope.IDENTITY)], by=None
    )
    referral = refer(personas, case, pathway=Pathway.ACCOMPANIMENT, compartments=["identity", "incident"])
    case_services.set_consents(case=case, given=[(Audience.AUTHORITIES, Scope.INCIDENT)], by=None)
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    with pytest.raises(NoKey):
        open_identity(case, keyring=keyring(personas.liaison))
    assert open_incident(case, keyring=keyring(personas.liaison))


def test_override_grants_stay_when_she_changes_choices_they_did_not_rely_on(personas, case) -> None:
    referral = refer_in_emergency(personas, case, override_reason="Danger (example).")
    case_services.set_consents(case=case, given=[], by=None)
    still_held = {grant.compartment: grant.revoked_at is None for grant in referral.grants.all()}
    assert still_held == {"identity": True, "incident": False}
    assert open_identity(case, keyring=keyring(personas.liaison))


def test_the_caseworker_withdraws_a_referral(personas, case) -> None:
    referral = refer(personas, case)
    services.withdraw(referral=referral, by=personas.caseworker)
    with pytest.raises(NoKey):
        open_incident(case, keyring=keyring(personas.liaison))
    assert AuditEntry.objects.filter(action="referral.withdrawn").exists()


def test_expired_consent_is_revoked_by_the_daily_command(personas, case) -> None:
    referral = refer(personas, case)
    Referral.objects.filter(pk=referral.pk).update(consent_until=timezone.localdate() - timedelta(days=1))
    call_command("expire_referrals")
    referral.refresh_from_db()
    assert referral.status == Status.EXPIRED
    with pytest.raises(NoKey):
        open_incident(case, keyring=keyring(personas.liaison))


def test_one_open_referral_per_organisation_and_a_sane_consent_date(personas, case) -> None:
    refer(personas, case)
    with pytest.raises(ReferralRefused):
        refer(personas, case)
    with pytest.raises(ReferralRefused):
        refer(personas, case, organisation=personas.provider, pathway=Pathway.LIAISON)
    with pytest.raises(ReferralRefused):
        refer(personas, case, days=400, pathway=Pathway.SAFE_SPACE)
