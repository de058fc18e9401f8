"""No one reads a member's second-factor secret in any admin page, the system admin included."""

from __future__ import annotations

import base64

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts.models import User
from amana.audit.models import AuditEntry
from conftest import enrol_device

pytestmark = pytest.mark.django_db


def _secrets(device: TOTPDevice) -> list[str]:
    raw = device.bin_key
    return [device.key, device.key.upper(), base64.b32encode(raw).decode().rstrip("="), "otpauth://"]


def _admin_pages(user: User) -> list[str]:
    """The admin's index, every app and every registered model's list, add and change pages (the add
    page where the model's admin lets this user add at all: a read-only log refuses it to everyone)."""
    request = RequestFactory().get("/staff/admin/")
    request.user = user
    urls = ["/staff/admin/"]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"/staff/admin/{meta.app_label}/{meta.model_name}/"
        urls += [f"/staff/admin/{meta.app_label}/", base]
        if model_admin.has_add_permission(request):
            urls.append(f"{base}add/")
        first = model.objects.first()
        if first is not None:
            urls.append(f"{base}{first.pk}/change/")
    return urls


def test_the_system_admin_finds_no_totp_secret_in_any_admin_page(personas, login) -> None:
    device = enrol_device(personas.caseworker)
    other = enrol_device(personas.outsider)
    Group.objects.create(name="Example group")
    client = login(personas.system_admin)
    for url in _admin_pages(personas.system_admin):
        response = client.get(url)
        assert response.status_code in (200, 403), url  # 403: a model the admin only lists
        page = response.content.decode()
        for secret in _secrets(device) + _secrets(other):
            assert secret not in page, (url, secret)
    for suffix in ("change/", "config/", "qrcode/", "history/", "delete/"):
        assert client.get(f"/staff/admin/otp_totp/totpdevice/{device.pk}/{suffix}").status_code == 404
    assert client.get("/staff/admin/otp_totp/totpdevice/").status_code == 404


def test_the_org_admin_resets_an_authenticator_without_seeing_any_secret(personas, login) -> None:
    device = enrol_device(personas.caseworker)
    client = login(personas.org_admin)
    members = f"/staff/organisations/{personas.ngo.pk}/members/"
    assert not any(secret in client.get(members).content.decode() for secret in _secrets(device)[:3])
    response = client.post(f"{members}{personas.caseworker.pk}/", {"action": "second_factor"}, follow=True)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not any(secret in response.content.decode() for secret in _secrets(device)[:3])
    assert AuditEntry.objects.filter(action="member.second_factor_reset", actor_id=personas.org_admin.pk).exists()
