"""Backup and restore: the drill (report, back up, wipe, restore, she and staff get back in), and bad
archives refused with nothing changed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from amana.audit.models import AuditEntry
from amana.cases import services as case_services
from amana.cases.models import Case
from amana.channel.tests.conftest import report_through_site
from amana.operations.backups import SUFFIX
from amana.vault.backups import new_backup_key_pair

pytestmark = pytest.mark.django_db(transaction=True)
NARRATIVE = "He says he will send the photos to my brother (example)."


@pytest.fixture
def key_file(settings, tmp_path: Path) -> Path:
    public_key, private_key = new_backup_key_pair()
    settings.AMANA_BACKUP_PUBLIC_KEY = public_key
    path = tmp_path / "backup-key.txt"
    path.write_text(private_key)
    return path


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def back_up(folder: Path) -> Path:
    call_command("backup", output=folder)
    (archive,) = folder.glob(f"*{SUFFIX}")
    return archive


def wipe(media: Path) -> None:
    call_command("flush", interactive=False)
    shutil.rmtree(media, ignore_errors=True)


def restore(archive: Path, key_file: Path) -> None:
    call_command("restore", str(archive), key_file=str(key_file))


def her_code_opens(code: str) -> bool:
    client = Client()
    return client.post("/continue/", {"code": code}).status_code == 302 and (
        client.get("/continue/page/").status_code == 200
    )


def test_the_restore_drill(personas, login, media: Path, key_file: Path, tmp_path: Path, capsys) -> None:
    code = report_through_site(Client(), files=[])
    case = Case.objects.get()
    reference = case.reference
    case_services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    assert her_code_opens(code)
    archive = back_up(tmp_path / "backups")
    assert b"Noor" not in archive.read_bytes()

    wipe(media)
    assert not her_code_opens(code)

    restore(archive, key_file)
    assert "Restored. Audit log intact" in capsys.readouterr().out
    assert her_code_opens(code)
    page = login(personas.caseworker).get(f"/staff/cases/{reference}/")
    assert page.status_code == 200
    assert NARRATIVE in page.content.decode()
    call_command("audit_verify")


def test_a_wrong_key_is_refused_and_nothing_changes(personas, media: Path, key_file: Path, tmp_path: Path) -> None:
    archive = back_up(tmp_path / "backups")
    wipe(media)
    other = tmp_path / "other-key.txt"
    other.write_text(new_backup_key_pair()[1])
    with pytest.raises(CommandError, match=r"does not open the archive.*Nothing was changed"):
        restore(archive, other)
    assert AuditEntry.objects.count() == 0
    assert not media.exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[:-200], "cut short"),
        (
            lambda data: data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1 :],
            "damaged",
        ),
        (lambda data: b"PK\x03\x04" + data[4:], "not an amana backup"),
    ],
    ids=["truncated", "damaged", "not-an-archive"],
)
def test_a_bad_archive_is_refused_and_nothing_changes(
    personas, media: Path, key_file: Path, tmp_path: Path, damage, message
) -> None:
    archive = back_up(tmp_path / "backups")
    archive.write_bytes(damage(archive.read_bytes()))
    wipe(media)
    with pytest.raises(CommandError, match=f"({message}).*Nothing was changed"):
        restore(archive, key_file)
    assert AuditEntry.objects.count() == 0
    assert not media.exists()


def test_it_restores_only_into_an_empty_database(personas, media: Path, key_file: Path, tmp_path: Path) -> None:
    archive = back_up(tmp_path / "backups")
    before = AuditEntry.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        restore(archive, key_file)
    assert AuditEntry.objects.count() == before


def test_without_a_backup_key_it_says_how_to_make_one(personas, settings, tmp_path: Path) -> None:
    settings.AMANA_BACKUP_PUBLIC_KEY = ""
    with pytest.raises(CommandError, match="backup_keys"):
        call_command("backup", output=tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.fixture
def full_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], check=False)  # noqa: S603, S607  # fixed arguments
    if mounted.returncode != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)  # noqa: S603, S607  # fixed arguments


def test_a_full_disk_fails_cleanly(personas, media: Path, key_file: Path, full_disk: Path) -> None:
    media.mkdir(parents=True)
    (media / "filler.bin").write_bytes(bytes(range(256)) * 2048)  # 512 KiB that gzip cannot shrink away
    with pytest.raises(CommandError, match="the disk is full"):
        call_command("backup", output=full_disk)
    assert not list(full_disk.iterdir())
