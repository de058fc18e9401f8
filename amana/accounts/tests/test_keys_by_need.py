"""Keys by need inside each organisation: only those who handle cases hold the case key, and giving
it takes two people (an admin proposes, a supervisor who holds it approves)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.translation import gettext as _

from amana.accounts import services
from amana.accounts.models import KeyRequest, Role
from amana.audit.models import AuditEntry
from amana.cases.selectors import open_identity, open_incident
from amana.channel.tests.conftest import make_case
from amana.vault import services as vault
from amana.vault.models import MemberKey
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _arabic(text: str) -> str:
    with translation.override("ar"):
        return _(text)


def _recovery(personas):
    return vault.keyring_from_recovery(organisation=personas.ngo, recovery_key=personas.ngo.recovery_key)


@pytest.mark.parametrize("persona", ["me_officer", "org_admin", "system_admin"])
def test_roles_that_need_no_case_key_open_no_case_locker(personas, persona: str) -> None:
    case, _code = make_case(personas.ngo)
    keyring = vault.user_keyring(getattr(personas, persona), PASSWORD)
    assert not keyring.holds_organisation(personas.ngo.pk)
    for opener in (open_identity, open_incident):
        with pytest.raises(vault.NoKey):
            opener(case, keyring=keyring)
    assert open_identity(case, keyring=vault.user_keyring(personas.caseworker, PASSWORD))["name"] == "Noor (example)"


def test_an_admin_alone_cannot_hand_out_the_case_key(personas, login) -> None:
    """The org admin proposes; approving is refused to the admin, and to a supervisor who proposed."""
    both = services.create_member(
        actor=None,
        organisation=personas.ngo,
        username="admin.and.supervisor",
        password=PASSWORD,
        roles=[Role.ORG_ADMIN, Role.SUPERVISOR],
        keyring=_recovery(personas),
    )
    client = login(both)
    response = client.post(
        f"/staff/organisations/{personas.ngo.pk}/members/new/", {"username": "quiet.friend", "roles": ["caseworker"]}
    )
    assert response.status_code == 200
    request = KeyRequest.objects.get(member__username="quiet.friend")
    assert request.proposed_by == both
    refused = client.post(f"/staff/keys/{request.pk}/approve/", follow=True)
    assert _arabic("You proposed this member yourself, so someone else must approve.") in refused.content.decode()
    assert not MemberKey.objects.filter(user=request.member).exists()
    assert login(personas.org_admin).post(f"/staff/keys/{request.pk}/approve/").status_code == 403
    assert login(personas.caseworker).get("/staff/keys/").status_code == 403
    assert not MemberKey.objects.filter(user=request.member).exists()


def test_a_replayed_approval_is_explained_and_gives_nothing_twice(personas, login) -> None:
    member = services.create_member(
        actor=personas.org_admin, organisation=personas.ngo, username="new.one", password=PASSWORD, roles=["caseworker"]
    )
    request = KeyRequest.objects.get(member=member)
    supervisor = login(personas.supervisor)
    assert supervisor.post(f"/staff/keys/{request.pk}/approve/").status_code == 302
    replay = supervisor.post(f"/staff/keys/{request.pk}/approve/", follow=True)
    assert replay.status_code == 200
    assert _arabic("This request was already approved.") in replay.content.decode()
    assert AuditEntry.objects.filter(action="member.key_approved").count() == 1
    assert vault.user_keyring(member, PASSWORD).holds_organisation(personas.ngo.pk)
    assert supervisor.post("/staff/keys/999999/approve/").status_code == 404


def test_a_supervisor_of_another_organisation_finds_nothing_to_approve(personas, login) -> None:
    services.create_member(
        actor=personas.org_admin, organisation=personas.ngo, username="new.one", password=PASSWORD, roles=["caseworker"]
    )
    request = KeyRequest.objects.get()
    other = services.create_member(
        actor=None,
        organisation=personas.other_ngo,
        username="other.supervisor",
        password=PASSWORD,
        roles=[Role.SUPERVISOR],
        keyring=vault.keyring_from_recovery(
            organisation=personas.other_ngo, recovery_key=personas.other_ngo.recovery_key
        ),
    )
    client = login(other)
    assert "new.one" not in client.get("/staff/keys/").content.decode()
    assert client.post(f"/staff/keys/{request.pk}/approve/").status_code == 404
    assert not MemberKey.objects.filter(user__username="new.one").exists()


def test_the_migration_deletes_the_keys_of_roles_that_need_none(personas) -> None:
    recovery = _recovery(personas)
    for persona in (personas.me_officer, personas.org_admin, personas.system_admin):
        vault.add_member_key(organisation=personas.ngo, user=persona, keyring=recovery)
    migration = importlib.import_module("amana.vault.migrations.0004_keys_by_need")
    migration.delete_keys_not_needed(apps, None)
    holders = set(MemberKey.objects.filter(organisation=personas.ngo).values_list("user__username", flat=True))
    assert holders == {"caseworker", "supervisor"}
    assert set(MemberKey.objects.values_list("user__username", flat=True)) >= {"cpt.member", "police.liaison"}
