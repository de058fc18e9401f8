from __future__ import annotations

import io

import pytest

from amana.audit.models import AuditEntry
from amana.vault import services as vault
from amana.vault.models import LockerGrant


def test_the_receiving_organisation_opens_what_a_survivor_sealed(personas, keyrings, case_lockers) -> None:
    sealed = vault.seal(case_lockers["identity"], "Example Name (fictional)")
    assert (
        vault.open_text(case_lockers["identity"], sealed, keyring=keyrings["caseworker"]) == "Example Name (fictional)"
    )
    assert (
        vault.open_text(case_lockers["identity"], sealed, keyring=keyrings["supervisor"]) == "Example Name (fictional)"
    )


def test_nobody_outside_the_holders_opens_anything(personas, keyrings, case_lockers) -> None:
    sealed = vault.seal(case_lockers["incident"], "narrative")
    for name in ["outsider", "liaison", "provider_staff", "cpt_member"]:
        with pytest.raises(vault.NoKey):
            vault.open(case_lockers["incident"], sealed, keyring=keyrings[name])


def test_a_police_liaison_granted_incident_and_evidence_cannot_open_identity(personas, keyrings, case_lockers) -> None:
    """Consent is enforced by keys: even with every permission check skipped, no key means no data."""
    identity = vault.seal(case_lockers["identity"], "Example Name (fictional), 0770 000 0000")
    incident = vault.seal(case_lockers["incident"], "what happened")
    for compartment in ("incident", "evidence"):
        vault.grant(
            locker=case_lockers[compartment],
            organisation=personas.police,
            keyring=keyrings["caseworker"],
            by=personas.caseworker,
            reason="liaison without identity",
            consent_ref="consent-1",
        )
    police = keyrings["liaison"]
    assert vault.open_text(case_lockers["incident"], incident, keyring=police) == "what happened"
    with pytest.raises(vault.NoKey):
        vault.open(case_lockers["identity"], identity, keyring=police)
    grant = LockerGrant.objects.get(locker_key__locker=case_lockers["incident"], organisation=personas.police)
    assert (grant.granted_by_id, grant.reason, grant.consent_ref) == (
        personas.caseworker.pk,
        "liaison without identity",
        "consent-1",
    )
    assert AuditEntry.objects.filter(action="vault.granted", actor_id=personas.caseworker.pk).count() == 2


def test_only_a_holder_can_grant(personas, keyrings, case_lockers) -> None:
    with pytest.raises(vault.NoKey):
        vault.grant(
            locker=case_lockers["incident"],
            organisation=personas.police,
            keyring=keyrings["outsider"],
            by=personas.outsider,
            reason="no right to",
        )


def test_revoking_stops_old_and_new_data_and_re_keys(personas, keyrings, case_lockers) -> None:
    locker = case_lockers["incident"]
    old = vault.seal(locker, "before")
    vault.grant(
        locker=locker, organisation=personas.police, keyring=keyrings["caseworker"], by=personas.caseworker, reason="r"
    )
    police = keyrings["liaison"]
    assert vault.open_text(locker, old, keyring=police) == "before"  # police now holds the key in memory

    vault.revoke(locker=locker, organisation=personas.police, by=personas.caseworker, reason="consent withdrawn")
    locker.refresh_from_db()
    new = vault.seal(locker, "after")
    assert locker.current_version == 2
    # Even the copy of the old key the police process kept cannot open data sealed after revocation.
    with pytest.raises(vault.NoKey):
        vault.open(locker, new, keyring=police)
    fresh_police = vault.user_keyring(personas.liaison, "correct horse battery staple 7")
    with pytest.raises(vault.NoKey):
        vault.open(locker, old, keyring=fresh_police)
    ngo = vault.user_keyring(personas.caseworker, "correct horse battery staple 7")
    assert vault.open_text(locker, old, keyring=ngo) == "before"
    assert vault.open_text(locker, new, keyring=ngo) == "after"
    assert vault.holder_organisation_ids(locker) == {personas.ngo.pk}


def test_after_shredding_nothing_decrypts(personas, keyrings, case_lockers) -> None:
    locker = case_lockers["identity"]
    sealed = vault.seal(locker, "to be destroyed")
    stored = vault.seal_file(locker, io.BytesIO(b"file to be destroyed"))
    vault.shred(locker=locker, by=personas.supervisor, reason="consent withdrawn")
    locker.refresh_from_db()
    with pytest.raises(vault.Shredded):
        vault.open(locker, sealed, keyring=keyrings["caseworker"])
    with pytest.raises(vault.Shredded):
        vault.open_file(locker, stored, keyring=keyrings["caseworker"])
    with pytest.raises(vault.Shredded):
        vault.seal(locker, "more")
    assert not LockerGrant.objects.filter(locker_key__locker=locker).exists()
    # Even ignoring the shredded flag, no sealed key is left to open it with.
    locker.shredded_at = None
    with pytest.raises(vault.NoKey):
        vault.open(locker, sealed, keyring=keyrings["caseworker"])
    assert AuditEntry.objects.filter(action="vault.shredded").exists()


def test_tampered_ciphertext_is_rejected_never_returned(personas, keyrings, case_lockers) -> None:
    locker = case_lockers["care"]
    sealed = bytearray(vault.seal(locker, "risk notes"))
    for position in (len(sealed) - 1, 20, 100):
        changed = bytearray(sealed)
        changed[position] ^= 0x01
        with pytest.raises(vault.Tampered):
            vault.open(locker, bytes(changed), keyring=keyrings["caseworker"])
    with pytest.raises(vault.Tampered):
        vault.open(locker, bytes(sealed[:-5]), keyring=keyrings["caseworker"])
    with pytest.raises(vault.Tampered):
        vault.open(locker, b"not ours at all", keyring=keyrings["caseworker"])


def test_data_moved_to_another_locker_does_not_open(personas, keyrings, case_lockers) -> None:
    sealed = vault.seal(case_lockers["care"], "care notes")
    with pytest.raises(vault.Tampered):
        vault.open(case_lockers["identity"], sealed, keyring=keyrings["caseworker"])


def test_a_survivor_reads_with_her_code_and_nothing_else(personas, keyrings) -> None:
    survivor_key = vault.create_survivor_key(secret="1234 5678 9012 3456")
    locker = vault.create_locker(compartment="messages", holders=[personas.ngo, survivor_key])
    sealed = vault.seal(locker, "A caseworker will call at the safe time.")
    hers = vault.survivor_keyring(survivor_key, "1234 5678 9012 3456")
    assert vault.open_text(locker, sealed, keyring=hers) == "A caseworker will call at the safe time."
    with pytest.raises(vault.WrongSecret):
        vault.survivor_keyring(survivor_key, "1234 5678 9012 3457")
    assert AuditEntry.objects.filter(action="vault.opened_by_survivor").exists()


def test_reading_is_audited_once_per_request(personas, keyrings, case_lockers) -> None:
    locker = case_lockers["identity"]
    first, second = vault.seal(locker, "a"), vault.seal(locker, "b")
    vault.open(locker, first, keyring=keyrings["caseworker"])
    vault.open(locker, second, keyring=keyrings["caseworker"])
    entries = AuditEntry.objects.filter(action="vault.opened", object_id=str(locker.pk))
    assert entries.count() == 1
    assert entries.get().actor_id == personas.caseworker.pk


def test_blind_indexes_match_equal_values_only(settings) -> None:
    assert vault.blind_index("phone", "+9647701234567") == vault.blind_index("phone", "+9647701234567")
    assert vault.blind_index("phone", "+9647701234567") != vault.blind_index("phone", "+9647701234568")
    assert vault.blind_index("phone", "x") != vault.blind_index("instagram", "x")
    before = vault.blind_index("phone", "+9647701234567")
    settings.AMANA_BLIND_INDEX_KEY = "another key that is at least thirty-two long"
    assert vault.blind_index("phone", "+9647701234567") != before
