from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from amana.cases.models import Consent, Scope
from amana.evidence.models import CustodyAction, CustodyEvent, EvidenceItem, EvidencePackage
from amana.evidence.sample_exports import Layout, conversation, whatsapp_text

from .conftest import PNG, assigned_case, grant

pytestmark = pytest.mark.django_db


def _package(client, case, compartments) -> bytes:
    response = client.post(f"/staff/evidence/{case.reference}/package/", {"compartments": compartments})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Content-Type"] == "application/zip"
    return response.content


def _with_evidence(client, case) -> None:
    client.post(f"/staff/evidence/{case.reference}/files/", {"files": [SimpleUploadedFile("screenshot.png", PNG)]})
    client.post(
        f"/staff/evidence/{case.reference}/chats/",
        {"export": SimpleUploadedFile("chat.txt", whatsapp_text(conversation(8), Layout()))},
    )


def test_a_package_verifies_and_one_changed_byte_fails_it(personas, login, case, tmp_path: Path) -> None:
    client = login(personas.caseworker)
    _with_evidence(client, case)
    content = _package(client, case, ["incident", "evidence"])
    path = tmp_path / "package.zip"
    path.write_bytes(content)
    out = io.StringIO()
    with translation.override("en"):
        call_command("verify_evidence_package", str(path), stdout=out)
    assert "verified" in out.getvalue() and "this database recorded this package" in out.getvalue()

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        members = {name: archive.read(name) for name in names}
    listed = {entry["path"] for entry in manifest["files"]}
    assert "summary.pdf" in listed and any(name.startswith("files/") for name in listed)
    assert members["summary.pdf"].startswith(b"%PDF")
    target = next(name for name in names if name.startswith("files/"))
    changed = bytearray(members[target])
    changed[len(changed) // 2] ^= 0x01
    members[target] = bytes(changed)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_evidence_package", str(tampered), stdout=io.StringIO(), stderr=errors)
    assert target in errors.getvalue()


def test_a_changed_manifest_fails_verification(personas, login, case, tmp_path: Path) -> None:
    client = login(personas.caseworker)
    _with_evidence(client, case)
    content = _package(client, case, ["incident", "evidence"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["manifest.json"] = members["manifest.json"].replace(b'"case"', b'"case" ', 1)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(CommandError):
        call_command("verify_evidence_package", str(tampered), stdout=io.StringIO(), stderr=io.StringIO())


def test_a_file_that_is_not_a_package_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "not.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError):
        call_command("verify_evidence_package", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("verify_evidence_package", str(tmp_path / "missing.zip"))


def test_the_package_holds_her_identity_only_when_she_agreed(personas, login) -> None:
    case, _code = assigned_case(personas, name="Samira (example)", contact_phone="0750 111 2222")
    grant(case, Scope.INCIDENT)
    client = login(personas.caseworker)
    _with_evidence(client, case)
    refused = client.post(
        f"/staff/evidence/{case.reference}/package/", {"compartments": ["incident", "evidence", "identity"]}
    )
    assert refused.status_code == 400  # identity asked for, not granted
    assert not EvidencePackage.objects.exists()
    content = _package(client, case, ["incident", "evidence"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert manifest["compartments"] == ["evidence", "incident"]
    assert b"Samira" not in everything and b"0750 111 2222" not in everything
    grant(case, Scope.INCIDENT, Scope.IDENTITY)
    content = _package(client, case, ["incident", "evidence", "identity"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        summary = archive.read("summary.pdf")
    assert manifest["compartments"] == ["evidence", "identity", "incident"]
    assert summary != b""


def test_only_identity_leaves_out_what_happened_and_the_files(personas, login, case) -> None:
    grant(case, Scope.IDENTITY)
    client = login(personas.caseworker)
    _with_evidence(client, case)
    content = _package(client, case, ["identity"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
    assert not any(name.startswith(("files/", "chats/")) for name in names)


def test_without_consent_no_package_can_be_made(personas, login, case) -> None:
    grant(case)
    client = login(personas.caseworker)
    response = client.post(f"/staff/evidence/{case.reference}/package/", {"compartments": ["incident"]})
    assert response.status_code == 400
    assert not EvidencePackage.objects.exists()


def test_each_exported_file_gets_an_export_in_its_chain_of_custody(personas, login, case) -> None:
    client = login(personas.caseworker)
    _with_evidence(client, case)
    _package(client, case, ["incident", "evidence"])
    package = EvidencePackage.objects.get()
    items = EvidenceItem.objects.filter(case=case)
    exported = CustodyEvent.objects.filter(action=CustodyAction.EXPORTED, package=package)
    assert exported.count() == items.count() > 0


@pytest.mark.parametrize("role", ["me_officer", "org_admin", "cpt_member", "liaison", "provider_staff"])
def test_other_roles_cannot_make_a_package(personas, login, case, role: str) -> None:
    response = login(getattr(personas, role)).post(
        f"/staff/evidence/{case.reference}/package/", {"compartments": ["incident"]}
    )
    assert response.status_code == 403
    assert (
        login(personas.outsider)
        .post(f"/staff/evidence/{case.reference}/package/", {"compartments": ["incident"]})
        .status_code
        == 404
    )


def test_a_package_for_a_referral_holds_only_what_that_referral_shares(personas, login) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from amana.referrals import services as referrals
    from amana.referrals.models import Pathway
    from amana.vault import services as vault
    from conftest import PASSWORD

    case, _code = assigned_case(personas, name="Samira (example)", contact_phone="0750 111 2222")
    grant(case, Scope.INCIDENT, Scope.IDENTITY)  # she agreed to more than this referral shares
    referral = referrals.create_referral(
        case=case,
        organisation=personas.police,
        pathway=Pathway.LIAISON,
        compartments=["incident", "evidence"],
        purpose="Find the account that threatens her (example).",
        consent_given="verbal",
        consent_until=timezone.localdate() + timedelta(days=30),
        by=personas.caseworker,
        keyring=vault.user_keyring(personas.caseworker, PASSWORD),
    )
    client = login(personas.caseworker)
    _with_evidence(client, case)
    url = f"/staff/evidence/{case.reference}/package/"
    assert referral.reference in client.get(f"/staff/evidence/{case.reference}/").content.decode()
    refused = client.post(url, {"referral": referral.pk, "compartments": ["incident", "evidence", "identity"]})
    assert refused.status_code == 400  # liaison without identity: her name is never in it
    response = client.post(url, {"referral": referral.pk, "compartments": ["incident", "evidence"]})
    assert response.status_code == 200
    assert referral.reference in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = archive.namelist()
        everything = b"".join(archive.read(name) for name in names if not name.endswith(".pdf"))
    assert manifest["case"] == referral.reference
    assert case.reference.encode() not in everything
    assert b"Samira" not in everything and b"0750 111 2222" not in everything
    assert EvidencePackage.objects.get().referral == referral


def test_a_package_is_made_from_the_grants_that_stand_after_her_withdrawal(personas, login) -> None:
    """Finding 2: after she withdrew "services.identity", a package for that referral held her name."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone
    from django.utils.translation import gettext

    from amana.referrals import services as referrals
    from amana.referrals.models import Pathway
    from amana.vault import services as vault
    from conftest import PASSWORD

    case, code = assigned_case(personas, name="Samira (example)", contact_phone="0750 111 2222")
    Consent.objects.filter(case=case, audience="services").update(given=True)
    referral = referrals.create_referral(
        case=case,
        organisation=personas.provider,
        pathway=Pathway.SERVICE,
        service_type="psychosocial",
        compartments=["identity", "incident"],
        purpose="Support sessions (example).",
        consent_given="verbal",
        consent_until=timezone.localdate() + timedelta(days=30),
        by=personas.caseworker,
        keyring=vault.user_keyring(personas.caseworker, PASSWORD),
    )
    client = login(personas.caseworker)
    url = f"/staff/evidence/{case.reference}/package/"
    before = client.post(url, {"referral": referral.pk, "compartments": ["identity", "incident"]})
    assert before.status_code == 200 and b"Samira" in _unzipped(before)  # the control: her name was in it
    survivor = Client()
    assert survivor.post("/continue/", {"code": code}).status_code == 302
    assert survivor.post("/continue/choices/", {"consents": ["services.incident"]}).status_code == 302
    refused = client.post(url, {"referral": referral.pk, "compartments": ["identity", "incident"]})
    assert refused.status_code == 400
    response = client.post(url, {"referral": referral.pk, "compartments": ["incident"]})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    everything = _unzipped(response)
    assert manifest["compartments"] == ["incident"]
    assert b"Samira" not in everything and b"0750 111 2222" not in everything

    # Once she withdraws the rest, the referral ends and a package for it is refused, clearly.
    assert survivor.post("/continue/choices/", {"consents": []}).status_code == 302
    forged = client.post(url, {"referral": referral.pk, "compartments": ["incident"]})
    assert forged.status_code == 400
    with translation.override("ar"):
        message = gettext("No package can be made for this referral: it has ended or her consent to it was withdrawn.")
    assert message in forged.content.decode()
    assert EvidencePackage.objects.count() == 2


def _unzipped(response) -> bytes:  # type: ignore[no-untyped-def]
    """Every member of a package, with the text of its PDF summary, so a name in it can be found."""
    from pypdf import PdfReader

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    texts = [
        page.extract_text().encode()
        for name, data in members.items()
        if name.endswith(".pdf")
        for page in PdfReader(io.BytesIO(data)).pages
    ]
    return b"".join(members.values()) + b"".join(texts)
