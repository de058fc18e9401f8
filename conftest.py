"""Shared fixtures: staff personas, a signed-in client, and Debian's Chromium via Playwright."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts import services
from amana.accounts.models import Organisation, OrganisationKind, Role, User
from amana.vault import services as vault

PASSWORD = "correct horse battery staple 7"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


class Personas:
    """The people of the programme, each in an organisation of the right kind (all fictional)."""

    def __init__(self) -> None:
        self.ngo = services.create_organisation(actor=None, name="Test NGO (example)", kind=OrganisationKind.NGO)
        self.other_ngo = services.create_organisation(actor=None, name="Other NGO (example)", kind=OrganisationKind.NGO)
        self.cpt = services.create_organisation(actor=None, name="Test Peace Team (example)", kind=OrganisationKind.CPT)
        self.police = services.create_organisation(
            actor=None, name="Test Community Police (example)", kind=OrganisationKind.POLICE
        )
        self.provider = services.create_organisation(
            actor=None, name="Test Wellbeing Centre (example)", kind=OrganisationKind.SERVICE_PROVIDER
        )
        self.caseworker = self._member("caseworker", self.ngo, Role.CASEWORKER)
        self.supervisor = self._member("supervisor", self.ngo, Role.SUPERVISOR)
        self.me_officer = self._member("me.officer", self.ngo, Role.ME_OFFICER)
        self.org_admin = self._member("org.admin", self.ngo, Role.ORG_ADMIN)
        self.system_admin = self._member("system.admin", self.ngo, Role.SYSTEM_ADMIN)
        self.cpt_member = self._member("cpt.member", self.cpt, Role.CPT_MEMBER)
        self.liaison = self._member("police.liaison", self.police, Role.LIAISON)
        self.provider_staff = self._member("provider.staff", self.provider, Role.PROVIDER_STAFF)
        self.outsider = self._member("outsider", self.other_ngo, Role.CASEWORKER)

    def _member(self, username: str, organisation: Organisation, role: str) -> User:
        # Opened with the recovery key printed when the organisation was made, as an admin would.
        keyring = vault.keyring_from_recovery(
            organisation=organisation,
            recovery_key=organisation.recovery_key,  # type: ignore[attr-defined]
        )
        return services.create_member(
            actor=None, organisation=organisation, username=username, password=PASSWORD, roles=[role], keyring=keyring
        )

    def all(self) -> dict[str, User]:
        return {name: value for name, value in vars(self).items() if isinstance(value, User)}


@pytest.fixture(autouse=True)
def checkpoints_apart(settings: Any, tmp_path_factory: Any) -> None:
    # Each test's audit log starts empty, so checkpoints from another run must not be compared with it.
    settings.AMANA_CHECKPOINT_DIR = tmp_path_factory.mktemp("checkpoints")


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    """Every test keeps its sealed files in its own temporary folder, never in the real var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def built_in_catalogues(request: pytest.FixtureRequest) -> None:
    """A transactional test starts from an emptied database, which has lost the rows that data
    migrations wrote (the community catalogues): they are written again for every such test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    seed = importlib.import_module("amana.community.migrations.0002_built_in_catalogues")
    seed.add_built_ins(django_apps, None)


@pytest.fixture
def personas(db: Any) -> Personas:
    return Personas()


def enrol_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def signed_in_client(user: User, client: Client | None = None) -> Client:
    """A client that passed both steps of sign-in, through the real login views."""
    client = client or Client()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_device(user)
    response = client.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    # A code is accepted once; a second sign-in in the same 30 seconds stands for a later code.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    response = client.post("/staff/login/code/", {"code": current_code(device)})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def login() -> Any:
    return signed_in_client


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable
    # from the test body, which is synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ar", viewport={"width": 320, "height": 720})
    page = context.new_page()
    yield page
    context.close()
