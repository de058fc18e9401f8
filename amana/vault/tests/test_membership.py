from __future__ import annotations

import pytest

from amana.accounts import services as accounts
from amana.vault import services as vault
from amana.vault.models import MemberKey, UserKey
from conftest import PASSWORD


@pytest.fixture
def sealed(case_lockers):
    return vault.seal(case_lockers["incident"], "incident narrative")


def test_a_new_member_given_the_key_with_the_recovery_key_opens_the_organisations_data(
    personas, case_lockers, sealed
) -> None:
    member = accounts.create_member(
        actor=personas.org_admin,
        organisation=personas.ngo,
        username="new.caseworker",
        password="a fresh long passphrase 1",
        roles=["caseworker"],
        keyring=vault.keyring_from_recovery(organisation=personas.ngo, recovery_key=personas.ngo.recovery_key),
    )
    keyring = vault.user_keyring(member, "a fresh long passphrase 1")
    assert vault.open_text(case_lockers["incident"], sealed, keyring=keyring) == "incident narrative"


def test_a_member_added_without_the_organisations_key_opens_nothing(personas, case_lockers, sealed) -> None:
    member = accounts.create_member(
        actor=None,
        organisation=personas.ngo,
        username="pending",
        password="a fresh long passphrase 1",
        roles=["caseworker"],
    )
    with pytest.raises(vault.NoKey):
        vault.open(case_lockers["incident"], sealed, keyring=vault.user_keyring(member, "a fresh long passphrase 1"))


def test_a_removed_member_opens_nothing(personas, case_lockers, sealed) -> None:
    vault.remove_member_key(organisation=personas.ngo, user=personas.caseworker)
    with pytest.raises(vault.NoKey):
        vault.open(case_lockers["incident"], sealed, keyring=vault.user_keyring(personas.caseworker, PASSWORD))


def test_a_password_change_re_wraps_the_key(personas, case_lockers, sealed) -> None:
    accounts.change_password(
        user=personas.caseworker, current_password=PASSWORD, new_password="a new long passphrase 2"
    )
    with pytest.raises(vault.WrongSecret):
        vault.user_keyring(personas.caseworker, PASSWORD)
    keyring = vault.user_keyring(personas.caseworker, "a new long passphrase 2")
    assert vault.open_text(case_lockers["incident"], sealed, keyring=keyring) == "incident narrative"


def test_a_wrong_password_never_damages_a_key(personas, case_lockers, sealed) -> None:
    before = bytes(UserKey.objects.get(user=personas.caseworker).locked_private_key)
    with pytest.raises(vault.WrongSecret):
        vault.user_keyring(personas.caseworker, "wrong")
    with pytest.raises(vault.WrongSecret):
        vault.change_user_password(
            user=personas.caseworker, current_password="wrong", new_password="anything long enough"
        )
    assert bytes(UserKey.objects.get(user=personas.caseworker).locked_private_key) == before
    keyring = vault.user_keyring(personas.caseworker, PASSWORD)
    assert vault.open_text(case_lockers["incident"], sealed, keyring=keyring) == "incident narrative"


def test_a_forgotten_password_is_restored_with_the_recovery_key(personas, case_lockers, sealed) -> None:
    recovery = vault.keyring_from_recovery(organisation=personas.ngo, recovery_key=personas.ngo.recovery_key)
    vault.reset_user_key(user=personas.caseworker, new_password="a restored passphrase 3", keyring=recovery)
    keyring = vault.user_keyring(personas.caseworker, "a restored passphrase 3")
    assert vault.open_text(case_lockers["incident"], sealed, keyring=keyring) == "incident narrative"


def test_an_admin_holds_no_key_to_restore_a_member_with(personas, keyrings) -> None:
    with pytest.raises(vault.NoKey):
        vault.reset_user_key(user=personas.caseworker, new_password="x" * 20, keyring=keyrings["org_admin"])


def test_an_admin_of_another_organisation_cannot_restore(personas, keyrings) -> None:
    with pytest.raises(vault.NoKey):
        vault.reset_user_key(user=personas.caseworker, new_password="x" * 20, keyring=keyrings["outsider"])


@pytest.mark.parametrize("wrong", ["", "AAAA-BBBB", "not a key at all!", "A" * 52])
def test_a_wrong_recovery_key_is_refused(personas, wrong: str) -> None:
    with pytest.raises(vault.WrongSecret):
        vault.keyring_from_recovery(organisation=personas.ngo, recovery_key=wrong)


def test_the_recovery_key_is_printable_and_forgiving_of_spacing(personas) -> None:
    key = personas.ngo.recovery_key
    assert all(part.isalnum() and len(part) <= 4 for part in key.split("-"))
    relaxed = key.replace("-", " ").lower()
    assert vault.keyring_from_recovery(organisation=personas.ngo, recovery_key=relaxed).holds_organisation(
        personas.ngo.pk
    )


def test_each_member_who_handles_cases_holds_their_own_sealed_copy(personas) -> None:
    copies = MemberKey.objects.filter(organisation=personas.ngo)
    assert set(copies.values_list("user__username", flat=True)) == {"caseworker", "supervisor"}
    assert len({bytes(copy.sealed_private_key) for copy in copies}) == 2
