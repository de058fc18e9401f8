"""A member's life: a temporary password changed at first sign-in, a confirmed deactivation kept
apart from password resets, and a deactivation undone by adding them again with a new key."""

from __future__ import annotations

import re

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts.models import User
from amana.audit.models import AuditEntry
from amana.vault import services as vault
from amana.vault.models import MemberKey
from conftest import current_code, enrol_device

from .test_members import shown_secret

MEMBERS = "/staff/organisations/{organisation}/members/"


def _sign_in(username: str, password: str) -> Client:
    """Both steps of sign-in, through the real views."""
    client = Client()
    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_device(user)
    assert client.post("/staff/login/", {"username": username, "password": password}).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    assert client.post("/staff/login/code/", {"code": current_code(device)}).status_code == 302
    return client


def _new_member(personas, login) -> str:  # type: ignore[no-untyped-def]
    response = login(personas.org_admin).post(
        MEMBERS.format(organisation=personas.ngo.pk) + "new/",
        {
            "username": "new.caseworker",
            "first_name": "Rana",
            "last_name": "(example)",
            "roles": ["caseworker"],
            "recovery_key": personas.ngo.recovery_key,
        },
    )
    return shown_secret(response, "temporary-password")


def test_a_temporary_password_must_be_changed_at_first_sign_in(personas, login) -> None:
    temporary = _new_member(personas, login)
    client = _sign_in("new.caseworker", temporary)
    for page in ["/staff/", "/staff/cases/", "/staff/directory/"]:
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == "/staff/account/", page
    assert "اختر كلمة مرورك" in client.get("/staff/account/").content.decode()
    changed = client.post(
        "/staff/account/",
        {
            "current_password": temporary,
            "new_password": "a long password of my own 42",
            "new_password_again": "a long password of my own 42",
        },
    )
    assert changed.status_code == 302
    member = User.objects.get(username="new.caseworker")
    assert not member.must_change_password
    again = _sign_in("new.caseworker", "a long password of my own 42")
    assert again.get("/staff/cases/").status_code == 200
    assert vault.user_keyring(member, "a long password of my own 42").holds_organisation(personas.ngo.pk)


def test_a_reset_password_is_temporary_too(personas, login) -> None:
    response = login(personas.org_admin).post(
        MEMBERS.format(organisation=personas.ngo.pk) + f"{personas.caseworker.pk}/", {"action": "password"}
    )
    client = _sign_in("caseworker", shown_secret(response, "temporary-password"))
    assert client.get("/staff/cases/")["Location"] == "/staff/account/"


def test_deactivating_has_its_own_page_and_asks_for_the_user_name(personas, login) -> None:
    admin = login(personas.org_admin)
    members = admin.get(MEMBERS.format(organisation=personas.ngo.pk)).content.decode()
    assert 'value="deactivate"' not in members  # not one choice among the resets
    url = MEMBERS.format(organisation=personas.ngo.pk) + f"{personas.caseworker.pk}/deactivate/"
    assert url in members
    page = admin.get(url)
    assert page.status_code == 200 and "كلمة المرور" in page.content.decode()  # says a reset is the other way
    for typed in ["", "caseworker.two", "supervisor"]:
        refused = admin.post(url, {"confirm": typed})
        assert refused.status_code == 400
        personas.caseworker.refresh_from_db()
        assert personas.caseworker.is_active
    # The old password-reset form cannot deactivate any more.
    admin.post(MEMBERS.format(organisation=personas.ngo.pk) + f"{personas.caseworker.pk}/", {"action": "deactivate"})
    personas.caseworker.refresh_from_db()
    assert personas.caseworker.is_active
    assert admin.post(url, {"confirm": "CASEWORKER"}).status_code == 302
    personas.caseworker.refresh_from_db()
    assert not personas.caseworker.is_active


def test_a_deactivated_member_is_added_again_with_a_new_key(personas, login) -> None:
    admin = login(personas.org_admin)
    base = MEMBERS.format(organisation=personas.ngo.pk) + f"{personas.caseworker.pk}/"
    admin.post(f"{base}deactivate/", {"confirm": "caseworker"})
    assert not MemberKey.objects.filter(user=personas.caseworker).exists()
    members = admin.get(MEMBERS.format(organisation=personas.ngo.pk)).content.decode()
    assert f"{base}readd/" in members
    response = admin.post(f"{base}readd/", {"recovery_key": personas.ngo.recovery_key})
    temporary = shown_secret(response, "temporary-password")
    member = User.objects.get(pk=personas.caseworker.pk)
    assert member.is_active and member.must_change_password
    assert not TOTPDevice.objects.filter(user=member).exists()  # a new authenticator at the next sign-in
    assert vault.user_keyring(member, temporary).holds_organisation(personas.ngo.pk)
    assert AuditEntry.objects.filter(action="member.readded", actor_id=personas.org_admin.pk).exists()
    # Adding an active member again changes nothing.
    again = admin.post(f"{base}readd/", follow=True)
    assert re.search("ليس موقوف|غير موقوف", again.content.decode())
    assert User.objects.get(pk=member.pk).password == member.password


def test_adding_again_without_the_recovery_key_waits_for_a_supervisor(personas, login) -> None:
    base = MEMBERS.format(organisation=personas.ngo.pk) + f"{personas.caseworker.pk}/"
    admin = login(personas.org_admin)
    admin.post(f"{base}deactivate/", {"confirm": "caseworker"})
    wrong = admin.post(f"{base}readd/", {"recovery_key": "AAAA-BBBB"}, follow=True)
    assert "لا يفتح" in wrong.content.decode()
    assert not User.objects.get(pk=personas.caseworker.pk).is_active
    response = admin.post(f"{base}readd/")
    temporary = shown_secret(response, "temporary-password")
    member = User.objects.get(pk=personas.caseworker.pk)
    assert member.is_active
    assert not vault.user_keyring(member, temporary).holds_organisation(personas.ngo.pk)
    assert not MemberKey.objects.filter(user=member).exists()
