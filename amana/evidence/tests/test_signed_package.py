"""Signed evidence packages, checked as a prosecutor would (the minisign and sha256sum programs) and
with verify_evidence_package, which says apart the signature, the files and our record of it."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from pypdf import PdfReader

from amana.accounts.forms import RevokeSigningKeyForm
from amana.cases.services import assign_case
from amana.evidence.models import EvidencePackage
from amana.evidence.sample_exports import Layout, conversation, whatsapp_text
from amana.vault import minisign
from amana.vault import services as vault
from amana.vault.models import SigningKey
from conftest import PASSWORD

from .conftest import PNG, assigned_case, grant, make_case

pytestmark = pytest.mark.django_db

MINISIGN = "/usr/bin/minisign"


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_verify(path: Path, *, key: Path | None = None) -> Outcome:
    """verify_evidence_package as staff run it, in English, with its exit status."""
    out, err = io.StringIO(), io.StringIO()
    arguments = [str(path)] + (["--key", str(key)] if key else [])
    with translation.override("en"):
        try:
            call_command("verify_evidence_package", *arguments, stdout=out, stderr=err)
        except CommandError as error:
            return Outcome(error.returncode, out.getvalue(), err.getvalue() + str(error))
    return Outcome(0, out.getvalue(), err.getvalue())


def make_package(client: Any, case: Any) -> bytes:
    client.post(f"/staff/evidence/{case.reference}/files/", {"files": [SimpleUploadedFile("screenshot.png", PNG)]})
    client.post(
        f"/staff/evidence/{case.reference}/chats/",
        {"export": SimpleUploadedFile("chat.txt", whatsapp_text(conversation(6), Layout()))},
    )
    response = client.post(f"/staff/evidence/{case.reference}/package/", {"compartments": ["incident", "evidence"]})
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content


def members_of(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def extract(content: bytes, folder: Path) -> Path:
    folder.mkdir()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(folder)
    return folder


def run(command: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)  # noqa: S603  # fixed programs


def first_file(members: dict[str, bytes]) -> str:
    return next(name for name in members if name.startswith("files/"))


def rehash(members: dict[str, bytes], path: str, content: bytes) -> None:
    """Swap a file and write its new hash into manifest.json and SHA256SUMS, as a forger would."""
    import hashlib

    old, new = hashlib.sha256(members[path]).hexdigest(), hashlib.sha256(content).hexdigest()
    members[path] = content
    manifest = json.loads(members["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == path:
            entry.update(sha256=new, size=len(content))
    members["SHA256SUMS"] = members["SHA256SUMS"].replace(old.encode(), new.encode())
    for entry in manifest["files"]:
        if entry["path"] == "SHA256SUMS":
            entry.update(sha256=hashlib.sha256(members["SHA256SUMS"]).hexdigest(), size=len(members["SHA256SUMS"]))
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()


@pytest.fixture
def package(personas: Any, login: Any, case: Any) -> bytes:
    return make_package(login(personas.caseworker), case)


def test_a_prosecutor_checks_the_package_with_minisign_and_sha256sum(
    personas: Any, login: Any, package: bytes, tmp_path: Path
) -> None:
    folder = extract(package, tmp_path / "package")
    key = SigningKey.objects.get(organisation=personas.ngo)
    for signed in ("manifest.json", "SHA256SUMS"):
        checked = run([MINISIGN, "-V", "-p", "signing-key.pub", "-m", signed], folder)
        assert checked.returncode == 0, checked.stderr
        assert "Signature and comment signature verified" in checked.stdout
        assert "Test NGO (example)" in checked.stdout and key.key_id_text in checked.stdout
    # With the key handed over in person (the line on the settings page), not the one in the package.
    settings_page = login(personas.org_admin).get(f"/staff/organisations/{personas.ngo.pk}/settings/")
    line = vault.public_key_line(key)
    assert line in settings_page.content.decode()
    assert run([MINISIGN, "-V", "-P", line, "-m", "manifest.json"], folder).returncode == 0
    sums = run(["/usr/bin/sha256sum", "-c", "SHA256SUMS"], folder)
    assert sums.returncode == 0 and "FAILED" not in sums.stdout
    assert "files/001-screenshot.png: OK" in sums.stdout
    # The fingerprint on the settings page is what sha256sum prints for the package's key file.
    printed = run(["/usr/bin/sha256sum", "signing-key.pub"], folder).stdout.split()[0]
    assert vault.fingerprint(key).replace(" ", "") == printed
    assert vault.fingerprint(key) in settings_page.content.decode()
    assert vault.fingerprint(key) in (folder / "signing-key-fingerprint.txt").read_text()


def test_verify_says_which_key_signed_that_the_files_match_and_that_we_made_it(
    personas: Any, package: bytes, tmp_path: Path
) -> None:
    outcome = run_verify(write_zip(tmp_path / "package.zip", members_of(package)))
    key = SigningKey.objects.get(organisation=personas.ngo)
    assert outcome.code == 0, outcome.text
    assert f"Signature: valid, by key {key.key_id_text} of Test NGO (example)" in outcome.out
    assert "the organisation's current key" in outcome.out
    assert "Files: all 9 files match the manifest." in outcome.out
    assert "Record: this database recorded this package when it was made" in outcome.out


def test_a_changed_file_is_named_while_the_signature_still_holds(package: bytes, tmp_path: Path) -> None:
    members = members_of(package)
    target = first_file(members)
    changed = bytearray(members[target])
    changed[len(changed) // 2] ^= 0x01
    members[target] = bytes(changed)
    path = write_zip(tmp_path / "changed.zip", members)
    outcome = run_verify(path)
    assert outcome.code == 1
    assert "Signature: valid" in outcome.out
    assert f"“{target}” was changed: its SHA-256 is not the one in the manifest." in outcome.err
    assert "NOT verified" in outcome.err
    assert run(["/usr/bin/sha256sum", "-c", "SHA256SUMS"], extract(write_zip_bytes(members), tmp_path / "x")).returncode


def write_zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_swapped_file_with_its_manifest_line_rehashed_breaks_the_signature(package: bytes, tmp_path: Path) -> None:
    members = members_of(package)
    target = first_file(members)
    rehash(members, target, PNG + b"another picture (example)")
    outcome = run_verify(write_zip(tmp_path / "rehashed.zip", members))
    assert outcome.code == 1
    assert "Signature: NOT valid." in outcome.err
    assert (
        "The signature of “manifest.json” does not match it: the file was changed after it was signed." in outcome.err
    )
    assert "The signature of “SHA256SUMS” does not match it" in outcome.err
    folder = extract(write_zip_bytes(members), tmp_path / "rehashed")
    assert run([MINISIGN, "-V", "-p", "signing-key.pub", "-m", "manifest.json"], folder).returncode != 0
    assert run([MINISIGN, "-V", "-p", "signing-key.pub", "-m", "SHA256SUMS"], folder).returncode != 0


def test_a_package_signed_again_with_another_key_is_refused(personas: Any, package: bytes, tmp_path: Path) -> None:
    members = members_of(package)
    rehash(members, first_file(members), PNG + b"forged (example)")
    # The forger makes his own key with minisign itself and signs the re-hashed lists with it.
    forger = tmp_path / "forger"
    forger.mkdir()
    made = run([MINISIGN, "-G", "-W", "-p", "forger.pub", "-s", "forger.key"], forger)
    assert made.returncode == 0, made.stderr
    for name in ("manifest.json", "SHA256SUMS"):
        (forger / name).write_bytes(members[name])
        assert run([MINISIGN, "-S", "-s", "forger.key", "-m", name, "-t", "Test NGO (example)"], forger).returncode == 0
        members[name + ".minisig"] = (forger / f"{name}.minisig").read_bytes()
    members["signing-key.pub"] = (forger / "forger.pub").read_bytes()
    forged = write_zip(tmp_path / "forged.zip", members)
    outcome = run_verify(forged)
    assert outcome.code == 1
    assert "which is not the key of any organisation in this database" in outcome.err
    # Against the organisation's real key, minisign refuses it too.
    real = tmp_path / "real.pub"
    real.write_bytes(vault.public_key_file(SigningKey.objects.get(organisation=personas.ngo)))
    folder = extract(forged.read_bytes(), tmp_path / "forged")
    assert run([MINISIGN, "-V", "-p", str(real), "-m", "manifest.json"], folder).returncode != 0
    by_key = run_verify(forged, key=real)
    assert by_key.code == 1 and "not with the key you gave" in by_key.err


def test_a_package_of_another_organisation_is_not_taken_for_ours(personas: Any, login: Any, tmp_path: Path) -> None:
    theirs, _code = make_case(personas.other_ngo, perpetrator_phones=[], perpetrator_accounts=[])
    assign_case(case=theirs, caseworker=personas.outsider, by=personas.outsider)
    grant(theirs, "incident")
    package = make_package(login(personas.outsider), theirs)
    ours = vault.ensure_signing_key(organisation=personas.ngo, by=None)
    our_key = tmp_path / "ours.pub"
    our_key.write_bytes(vault.public_key_file(ours))
    path = write_zip(tmp_path / "theirs.zip", members_of(package))
    outcome = run_verify(path, key=our_key)
    assert outcome.code == 1
    assert "not with the key you gave: it comes from another organisation" in outcome.err
    assert run([MINISIGN, "-V", "-p", str(our_key), "-m", "manifest.json"], extract(package, tmp_path / "t")).returncode

    # Their package, rewritten to say it is ours and signed again with their real key.
    members = members_of(package)
    manifest = json.loads(members["manifest.json"])
    manifest.update(organisation="Test NGO (example)", signing_key=ours.key_id_text)
    members["manifest.json"] = json.dumps(manifest).encode()
    signer = vault.signer_for(
        organisation=personas.other_ngo, keyring=vault.user_keyring(personas.outsider, PASSWORD), by=personas.outsider
    )
    members["manifest.json.minisig"] = signer.sign(members["manifest.json"], trusted_comment="Test NGO (example)")
    claimed = run_verify(write_zip(tmp_path / "claimed.zip", members))
    assert claimed.code == 1
    assert (
        "The manifest says it was made by Test NGO (example), but it was signed with a key of Other NGO (example)."
        in claimed.err
    )


@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_a_truncated_zip_is_refused_with_its_own_message(package: bytes, tmp_path: Path, keep: float) -> None:
    path = tmp_path / "cut.zip"
    path.write_bytes(package[: int(len(package) * keep)])
    outcome = run_verify(path)
    assert outcome.code == 1
    assert "is not a whole zip file: it was cut short while copying" in outcome.err


def test_a_signed_package_this_database_did_not_record_is_not_confirmed(package: bytes, tmp_path: Path) -> None:
    EvidencePackage.objects.all().delete()
    outcome = run_verify(write_zip(tmp_path / "package.zip", members_of(package)))
    assert outcome.code == 3
    assert "Signature: valid" in outcome.out and "Files: all 9 files match" in outcome.out
    assert "Record: this database has no record of this package." in outcome.out


def test_a_new_key_signs_new_packages_and_old_ones_still_verify_naming_their_key(
    personas: Any, login: Any, case: Any, tmp_path: Path
) -> None:
    caseworker = login(personas.caseworker)
    old = write_zip(tmp_path / "old.zip", members_of(make_package(caseworker, case)))
    old_key = SigningKey.objects.get(organisation=personas.ngo)
    admin = login(personas.org_admin)
    response = admin.post(f"/staff/organisations/{personas.ngo.pk}/settings/signing-key/")
    assert response.status_code == 302
    new_key = vault.current_signing_key(personas.ngo)
    assert new_key is not None and new_key != old_key
    new = write_zip(tmp_path / "new.zip", members_of(make_package(caseworker, case)))
    for path, key, state in ((old, old_key, "replaced by a newer key on"), (new, new_key, "current key")):
        outcome = run_verify(path)
        assert outcome.code == 0, outcome.text
        assert f"by key {key.key_id_text} of Test NGO (example)" in outcome.out and state in outcome.out
    page = admin.get(f"/staff/organisations/{personas.ngo.pk}/settings/").content.decode()
    assert vault.fingerprint(old_key) in page and vault.fingerprint(new_key) in page


def test_a_key_revoked_from_a_date_is_distrusted_for_what_it_signed_from_then(
    personas: Any, login: Any, package: bytes, tmp_path: Path
) -> None:
    path = write_zip(tmp_path / "package.zip", members_of(package))
    key = SigningKey.objects.get(organisation=personas.ngo)
    admin = login(personas.org_admin)
    url = f"/staff/organisations/{personas.ngo.pk}/settings/signing-key/revoke/"
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused = admin.post(url, {"key": key.key_id_text, "revoked_from": tomorrow.isoformat(), "reason": ""})
    assert refused.status_code == 400
    with translation.override("ar"):  # the page speaks Arabic first
        assert str(RevokeSigningKeyForm.base_fields["reason"].error_messages["required"]) in refused.content.decode()
    assert run_verify(path).code == 0

    # Revoked from tomorrow: what it signed today (recorded here) still holds.
    admin.post(url, {"key": key.key_id_text, "revoked_from": tomorrow.isoformat(), "reason": "Laptop stolen (example)"})
    key.refresh_from_db()
    assert key.revoked_from is not None and vault.current_signing_key(personas.ngo) is None
    outcome = run_verify(path)
    assert outcome.code == 0 and "revoked from" in outcome.out

    # Revoked from yesterday: this package was made after, so it is no longer trusted.
    SigningKey.objects.filter(pk=key.pk).update(revoked_from=timezone.now() - timedelta(days=1))
    outcome = run_verify(path)
    assert outcome.code == 1
    assert f"It was signed with key {key.key_id_text}, which Test NGO (example) revoked from" in outcome.err


def test_the_signed_manifest_holds_each_files_chain_of_custody_by_role(personas: Any, login: Any, case: Any) -> None:
    client = login(personas.caseworker)
    client.post(f"/staff/evidence/{case.reference}/files/", {"files": [SimpleUploadedFile("screenshot.png", PNG)]})
    item = case.evidence_items.get()
    login(personas.supervisor).get(f"/staff/evidence/{case.reference}/files/{item.pk}/download/")
    manifest = json.loads(members_of(make_package(client, case))["manifest.json"])
    entry = next(entry for entry in manifest["files"] if entry["path"].startswith("files/"))
    steps = [(step["action"], step["role"]) for step in entry["custody"]]
    assert steps[0] == ("received", "caseworker")
    assert ("downloaded", "supervisor") in steps and steps[-1] == ("exported", "caseworker")
    assert all(step["at"] for step in entry["custody"])
    text = json.dumps(manifest)
    assert "caseworker" in text and personas.caseworker.username not in text.replace('"caseworker"', "")

    # When the organisation chooses, the person is named too.
    login(personas.org_admin).post(
        f"/staff/organisations/{personas.ngo.pk}/settings/package-naming/", {"packages_name_staff": "on"}
    )
    manifest = json.loads(members_of(make_package(client, case))["manifest.json"])
    entry = next(entry for entry in manifest["files"] if entry["path"] == "files/001-screenshot.png")
    assert entry["custody"][0]["name"] == personas.caseworker.username


def test_the_how_to_page_is_one_page_in_three_languages_with_the_key(personas: Any, package: bytes) -> None:
    members = members_of(package)
    reader = PdfReader(io.BytesIO(members["how-to-verify.pdf"]))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    key = SigningKey.objects.get(organisation=personas.ngo)
    assert "How to check this evidence package" in text
    assert text.count("minisign -V -p signing-key.pub -m manifest.json") == 3  # Arabic, Kurdish, English
    assert text.count(vault.fingerprint(key)) == 3
    assert key.key_id_text in text
    listed = {entry["path"] for entry in json.loads(members["manifest.json"])["files"]}
    assert {"how-to-verify.pdf", "signing-key.pub", "signing-key-fingerprint.txt"} <= listed


@pytest.mark.parametrize("role", ["me_officer", "org_admin"])
def test_only_members_who_make_packages_can_use_the_signing_key(personas: Any, role: str) -> None:
    member = getattr(personas, role)
    keyring = vault.keyring_from_recovery(organisation=personas.ngo, recovery_key=personas.ngo.recovery_key)
    with pytest.raises(vault.NoKey):
        vault.signer_for(organisation=personas.ngo, keyring=keyring, by=member)
    with pytest.raises(vault.NoKey):  # a caseworker of another organisation
        vault.signer_for(organisation=personas.ngo, keyring=keyring, by=personas.outsider)
    signer = vault.signer_for(organisation=personas.ngo, keyring=keyring, by=personas.caseworker)
    signature = minisign.parse_signature(signer.sign(b"manifest", trusted_comment="example"))
    minisign.verify(bytes(signer.key.public_key), b"manifest", signature)
    # Stored sealed: the private key's bytes are not in the row.
    stored = SigningKey.objects.get(pk=signer.key.pk)
    assert signer._seed not in bytes(stored.sealed_private_key)


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "me_officer", "liaison", "outsider"])
def test_the_settings_page_is_for_admins_of_the_organisation(personas: Any, login: Any, role: str) -> None:
    client = login(getattr(personas, role))
    url = f"/staff/organisations/{personas.ngo.pk}/settings/"
    assert client.get(url).status_code == 403
    assert client.post(url + "signing-key/").status_code == 403
    assert not SigningKey.objects.exists()


def test_the_identity_of_a_case_never_enters_a_package_she_did_not_agree_to(personas: Any, login: Any) -> None:
    case, _code = assigned_case(personas, name="Samira (example)", contact_phone="0750 111 2222")
    grant(case, "incident")
    members = members_of(make_package(login(personas.caseworker), case))
    everything = b"".join(members.values())
    assert b"Samira" not in everything and b"0750 111 2222" not in everything
