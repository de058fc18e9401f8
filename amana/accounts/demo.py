"""Clearly fictional demo organisations and staff, one per role, for 'make run'.

Passwords and TOTP keys are generated on the machine at first run and kept in
var/demo-logins.txt (ignored by git); nothing secret is committed.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts import services
from amana.accounts.models import Organisation, OrganisationKind, Role, User
from amana.cases.demo import DemoPeople, create_case_demo
from amana.channel.demo import create_demo_hotlines
from amana.community.demo import create_community_demo
from amana.vault import services as vault

DEMO_ORGANISATIONS = [
    ("Example Protection NGO (demo)", OrganisationKind.NGO, "Qayyarah (example)"),
    ("Example Peace Team Qayyarah (demo)", OrganisationKind.CPT, "Qayyarah (example)"),
    ("Example Community Police (demo)", OrganisationKind.POLICE, "South Mosul (example)"),
    ("Example National Security Office (demo)", OrganisationKind.NATIONAL_SECURITY, "South Mosul (example)"),
    ("Example Wellbeing Centre (demo)", OrganisationKind.SERVICE_PROVIDER, "Hammam al-Alil (example)"),
    ("Example Women's Aid Centre (demo)", OrganisationKind.NGO, "Mosul (example)"),
]

# (user name, organisation index, roles, first name, last name) — invented people.
DEMO_STAFF = [
    ("demo.caseworker", 0, [Role.CASEWORKER], "Noor", "Example"),
    ("demo.supervisor", 0, [Role.SUPERVISOR], "Huda", "Example"),
    ("demo.me", 0, [Role.ME_OFFICER], "Sara", "Example"),
    ("demo.orgadmin", 0, [Role.ORG_ADMIN], "Layla", "Example"),
    ("demo.sysadmin", 0, [Role.SYSTEM_ADMIN], "Omar", "Example"),
    ("demo.cpt", 1, [Role.CPT_MEMBER], "Yusuf", "Example"),
    ("demo.police", 2, [Role.LIAISON], "Ahmed", "Example"),
    ("demo.security", 3, [Role.LIAISON], "Karim", "Example"),
    ("demo.provider", 4, [Role.PROVIDER_STAFF], "Maryam", "Example"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    totp_key_base32: str
    otpauth_uri: str


def logins_file() -> Path:
    return settings.VAR_DIR / "demo-logins.txt"


def recovery_keys_file() -> Path:
    return settings.VAR_DIR / "demo-recovery-keys.txt"


@transaction.atomic
def create_demo_data() -> list[DemoLogin]:
    """Create the demo organisations and staff once; on later runs return the saved logins."""
    if User.objects.filter(username=DEMO_STAFF[0][0]).exists():
        return []
    organisations: list[Organisation] = [
        services.create_organisation(actor=None, name=name, kind=kind, area=area)
        for name, kind, area in DEMO_ORGANISATIONS
    ]
    keyrings = [
        vault.keyring_from_recovery(organisation=organisation, recovery_key=organisation.recovery_key)  # type: ignore[attr-defined]
        for organisation in organisations
    ]
    logins = []
    for username, org_index, roles, first, last in DEMO_STAFF:
        password = f"demo-{secrets.token_urlsafe(9)}"
        user = services.create_member(
            actor=None,
            organisation=organisations[org_index],
            username=username,
            password=password,
            roles=roles,
            first_name=first,
            last_name=last,
            keyring=keyrings[org_index],
        )
        device = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
        key = b32encode(device.bin_key).decode().rstrip("=")
        logins.append(DemoLogin(username, password, key, device.config_url))
    save_recovery_keys({organisation.name: organisation.recovery_key for organisation in organisations})  # type: ignore[attr-defined]
    create_demo_hotlines()
    users = {user.username: user for user in User.objects.filter(username__startswith="demo.")}
    create_community_demo(officer=users["demo.me"], team_organisation=organisations[1], team_member=users["demo.cpt"])
    create_case_demo(
        DemoPeople(
            ngo=organisations[0],
            other_ngo=organisations[5],
            team=organisations[1],
            police=organisations[2],
            security=organisations[3],
            provider=organisations[4],
            caseworker=users["demo.caseworker"],
            supervisor=users["demo.supervisor"],
            cpt_member=users["demo.cpt"],
            police_liaison=users["demo.police"],
            security_liaison=users["demo.security"],
            provider_staff=users["demo.provider"],
            ngo_keyring=keyrings[0],
            team_keyring=keyrings[1],
        )
    )
    # The figures of every closed month, released as the scheduled job would have done each month.
    from amana.insights.services import make_due_releases

    make_due_releases()
    return logins


def save_logins(logins: list[DemoLogin]) -> None:
    path = logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{login.username}\t{login.password}\t{login.totp_key_base32}\t{login.otpauth_uri}" for login in logins]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)


def save_recovery_keys(keys: dict[str, str]) -> None:
    # A real organisation prints its recovery key and keeps it offline; the demo keeps it here.
    path = recovery_keys_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{name}\t{key}\n" for name, key in keys.items()), encoding="utf-8")
    path.chmod(0o600)


def load_recovery_keys() -> list[tuple[str, str]]:
    path = recovery_keys_file()
    if not path.exists():
        return []
    return [tuple(line.split("\t", 1)) for line in path.read_text(encoding="utf-8").splitlines() if line]  # type: ignore[misc]


def load_logins() -> list[DemoLogin]:
    path = logins_file()
    if not path.exists():
        return []
    return [DemoLogin(*line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines() if line]
