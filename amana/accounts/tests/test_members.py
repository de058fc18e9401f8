from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts.models import KeyRequest, Organisation, User
from amana.audit.models import AuditEntry
from amana.vault import services as vault
from amana.vault.models import MemberKey


def approve_key(login, approver, member) -> None:  # type: ignore[no-untyped-def]
    """The approver opens the page of waiting keys and approves the member's."""
    client = login(approver)
    request = KeyRequest.objects.get(member=member, approved_at__isnull=True)
    assert member.username in client.get("/staff/keys/").content.decode()
    assert client.post(f"/staff/keys/{request.pk}/approve/").status_code == 302


def shown_secret(response, element_id: str) -> str:  # type: ignore[no-untyped-def]
    match = re.search(rf'id="{element_id}">([^<]+)<', response.content.decode())
    assert match, response.content.decode()
    return match.group(1).strip()


def test_a_system_admin_creates_an_organisation_and_sees_its_recovery_key_once(personas, login) -> None:
    client = login(personas.system_admin)
    response = client.post(
        "/staff/organisations/new/", {"name": "New Peace Team (example)", "kind": "cpt", "area": "Qayyarah"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    recovery_key = shown_secret(response, "recovery-key")
    organisation = Organisation.objects.get(name="New Peace Team (example)")
    assert vault.keyring_from_recovery(organisation=organisation, recovery_key=recovery_key).holds_organisation(
        organisation.pk
    )
    assert recovery_key not in client.get(f"/staff/organisations/{organisation.pk}/members/").content.decode()


def test_the_first_member_is_given_the_key_with_the_recovery_key(personas, login) -> None:
    client = login(personas.system_admin)
    response = client.post("/staff/organisations/new/", {"name": "Fresh NGO (example)", "kind": "ngo"})
    recovery_key = shown_secret(response, "recovery-key")
    organisation = Organisation.objects.get(name="Fresh NGO (example)")
    url = f"/staff/organisations/{organisation.pk}/members/new/"
    added = client.post(url, {"username": "fresh.supervisor", "roles": ["supervisor"], "recovery_key": recovery_key})
    password = shown_secret(added, "temporary-password")
    member = User.objects.get(username="fresh.supervisor")
    assert vault.user_keyring(member, password).holds_organisation(organisation.pk)
    # An admin's work needs no case key: even with the recovery key typed, none is given.
    admin = client.post(url, {"username": "fresh.admin", "roles": ["org_admin"], "recovery_key": recovery_key})
    password = shown_secret(admin, "temporary-password")
    assert not vault.user_keyring(User.objects.get(username="fresh.admin"), password).holds_organisation(
        organisation.pk
    )


def test_an_org_admin_proposes_a_member_and_a_supervisor_gives_the_key(personas, login) -> None:
    client = login(personas.org_admin)
    response = client.post(
        f"/staff/organisations/{personas.ngo.pk}/members/new/",
        {"username": "new.caseworker", "first_name": "Rana", "last_name": "Example", "roles": ["caseworker"]},
    )
    password = shown_secret(response, "temporary-password")
    member = User.objects.get(username="new.caseworker")
    assert member.has_role("caseworker")
    assert not vault.user_keyring(member, password).holds_organisation(personas.ngo.pk)
    assert AuditEntry.objects.filter(action="member.created", actor_id=personas.org_admin.pk).exists()
    approve_key(login, personas.supervisor, member)
    assert vault.user_keyring(member, password).holds_organisation(personas.ngo.pk)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "roles": ["caseworker"]}, "أدخل اسم مستخدم"),
        ({"username": "caseworker", "roles": ["caseworker"]}, "محجوز"),
        ({"username": "x" * 151, "roles": ["caseworker"]}, "150"),
        ({"username": "ok.name"}, "دوراً واحداً"),
        ({"username": "ok.name", "roles": ["liaison"]}, "تناسب هذه المنظمة"),
        ({"username": "bad name!", "roles": ["caseworker"]}, "اسم"),
        ({"username": "ok.name", "roles": ["caseworker"], "recovery_key": "AAAA-BBBB"}, "لا يفتح"),
    ],
)
def test_bad_member_input_gets_a_clear_message(personas, login, data: dict[str, object], message: str) -> None:
    response = login(personas.org_admin).post(f"/staff/organisations/{personas.ngo.pk}/members/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(username="ok.name").exists()


def test_a_forgotten_password_is_reset_by_the_org_admin_and_the_key_waits_for_a_supervisor(personas, login) -> None:
    client = login(personas.org_admin)
    response = client.post(
        f"/staff/organisations/{personas.ngo.pk}/members/{personas.caseworker.pk}/", {"action": "password"}
    )
    password = shown_secret(response, "temporary-password")
    assert Client().post("/staff/login/", {"username": "caseworker", "password": password}).status_code == 302
    # The admin knows the new password, so the admin alone must not hand back the key with it.
    assert not vault.user_keyring(personas.caseworker, password).holds_organisation(personas.ngo.pk)
    approve_key(login, personas.supervisor, personas.caseworker)
    assert vault.user_keyring(personas.caseworker, password).holds_organisation(personas.ngo.pk)


def test_a_system_admin_of_another_organisation_restores_the_key_only_with_the_recovery_key(personas, login) -> None:
    client = login(personas.system_admin)
    url = f"/staff/organisations/{personas.police.pk}/members/{personas.liaison.pk}/"
    waiting = client.post(url, {"action": "password"})
    password = shown_secret(waiting, "temporary-password")
    assert not vault.user_keyring(personas.liaison, password).holds_organisation(personas.police.pk)
    response = client.post(url, {"action": "password", "recovery_key": personas.police.recovery_key})
    password = shown_secret(response, "temporary-password")
    assert vault.user_keyring(personas.liaison, password).holds_organisation(personas.police.pk)


def test_a_lost_phone_resets_the_second_factor_and_ends_sessions(personas, login) -> None:
    member_client = login(personas.caseworker)
    login(personas.org_admin).post(
        f"/staff/organisations/{personas.ngo.pk}/members/{personas.caseworker.pk}/", {"action": "second_factor"}
    )
    assert not TOTPDevice.objects.filter(user=personas.caseworker).exists()
    assert member_client.get("/staff/")["Location"].startswith("/staff/login/")


def test_a_deactivated_member_cannot_sign_in_and_loses_the_key(personas, login) -> None:
    member_client = login(personas.caseworker)
    login(personas.org_admin).post(
        f"/staff/organisations/{personas.ngo.pk}/members/{personas.caseworker.pk}/deactivate/",
        {"confirm": "caseworker"},
    )
    assert not MemberKey.objects.filter(user=personas.caseworker).exists()
    assert member_client.get("/staff/")["Location"].startswith("/staff/login/")
    response = Client().post("/staff/login/", {"username": "caseworker", "password": "correct horse battery staple 7"})
    assert response.status_code == 400


def test_an_admin_cannot_deactivate_themselves(personas, login) -> None:
    login(personas.org_admin).post(
        f"/staff/organisations/{personas.ngo.pk}/members/{personas.org_admin.pk}/deactivate/",
        {"confirm": "org.admin"},
    )
    personas.org_admin.refresh_from_db()
    assert personas.org_admin.is_active


def test_a_member_without_the_key_is_proposed_and_given_it(personas, login) -> None:
    MemberKey.objects.filter(user=personas.caseworker).delete()
    login(personas.org_admin).post(
        f"/staff/organisations/{personas.ngo.pk}/members/{personas.caseworker.pk}/", {"action": "key"}
    )
    assert not MemberKey.objects.filter(user=personas.caseworker, organisation=personas.ngo).exists()
    approve_key(login, personas.supervisor, personas.caseworker)
    assert MemberKey.objects.filter(user=personas.caseworker, organisation=personas.ngo).exists()


def test_an_unknown_action_changes_nothing(personas, login) -> None:
    response = login(personas.org_admin).post(
        f"/staff/organisations/{personas.ngo.pk}/members/{personas.caseworker.pk}/", {"action": "explode"}
    )
    assert response.status_code == 302
    personas.caseworker.refresh_from_db()
    assert personas.caseworker.is_active


def test_every_other_role_is_refused(personas, login) -> None:
    for name in ["caseworker", "supervisor", "me_officer", "cpt_member", "liaison", "provider_staff"]:
        client = login(getattr(personas, name))
        assert client.get("/staff/organisations/").status_code == 403, name
        assert client.get(f"/staff/organisations/{personas.ngo.pk}/members/").status_code == 403, name
        response = client.post(
            f"/staff/organisations/{personas.ngo.pk}/members/{personas.caseworker.pk}/deactivate/",
            {"confirm": "caseworker"},
        )
        assert response.status_code == 403, name
    assert login(personas.org_admin).get("/staff/organisations/new/").status_code == 403


def test_an_org_admin_cannot_reach_another_organisation(personas, login) -> None:
    client = login(personas.org_admin)
    assert client.get(f"/staff/organisations/{personas.police.pk}/members/").status_code == 404
    response = client.post(
        f"/staff/organisations/{personas.police.pk}/members/{personas.liaison.pk}/deactivate/",
        {"confirm": "police.liaison"},
    )
    assert response.status_code == 404
    personas.liaison.refresh_from_db()
    assert personas.liaison.is_active


def test_an_org_admin_cannot_make_or_take_over_a_system_admin(personas, login) -> None:
    client = login(personas.org_admin)
    response = client.post(
        f"/staff/organisations/{personas.ngo.pk}/members/new/", {"username": "sneaky", "roles": ["system_admin"]}
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="sneaky").exists()
    url = f"/staff/organisations/{personas.ngo.pk}/members/{personas.system_admin.pk}/"
    assert client.post(url, {"action": "password"}).status_code == 403
    assert client.post(f"{url}deactivate/", {"confirm": "system.admin"}).status_code == 403
    personas.system_admin.refresh_from_db()
    assert personas.system_admin.is_active


def test_admins_find_the_members_page_from_home(personas, login) -> None:
    for name in ["org_admin", "system_admin"]:
        assert "/staff/organisations/" in login(getattr(personas, name)).get("/staff/").content.decode(), name
    assert "/staff/organisations/" not in login(personas.caseworker).get("/staff/").content.decode()
