"""A copy of the database and the media folder, without a password, reveals no survivor data."""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from amana.vault import services as vault

pytestmark = pytest.mark.django_db(transaction=True)

CANARIES = {
    "name": "Canary-Name-Zq7Xw (fictional)",
    "arabic": "اسم-تجريبي-كناري-٧٣٩",
    "phone": "+964 770 999 1357",
    "narrative": "Canary narrative: the example extortionist asked for 7 images on an example app.",
    "file": b"CANARY-FILE-BYTES-3f9a1c",
}


def seal_canaries(personas) -> None:  # type: ignore[no-untyped-def]
    lockers = {
        c: vault.create_locker(compartment=c, holders=[personas.ngo]) for c in ("identity", "incident", "evidence")
    }
    for value in (CANARIES["name"], CANARIES["arabic"], CANARIES["phone"]):
        vault.seal(lockers["identity"], value)
    vault.seal(lockers["incident"], CANARIES["narrative"])
    vault.seal_file(lockers["evidence"], io.BytesIO(CANARIES["file"] * 1000))


def database_bytes(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(copy)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        return copy.read_bytes()
    db = connection.settings_dict
    command = [
        shutil.which("pg_dump") or "pg_dump",
        "--no-owner",
        "-h",
        db["HOST"] or "127.0.0.1",
        "-p",
        str(db["PORT"] or 5432),
    ]
    command += ["-U", db["USER"] or "postgres", db["NAME"]]
    return subprocess.run(command, check=True, capture_output=True).stdout  # noqa: S603


def media_bytes() -> bytes:
    return b"".join(path.read_bytes() for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def assert_no_canary(blob: bytes, where: str) -> None:
    for label, canary in CANARIES.items():
        raw = canary if isinstance(canary, bytes) else canary.encode()
        assert raw not in blob, f"{label} found in {where}"
        if isinstance(canary, str):
            assert canary.encode("utf-16-le") not in blob, f"{label} (UTF-16) found in {where}"


def test_a_stolen_database_and_media_folder_reveal_no_canary(personas, tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    seal_canaries(personas)
    # A control: a value stored in plain text is found, so the scan really reads the data.
    personas.other_ngo.area = "Control-Plain-Area-8812"
    personas.other_ngo.save(update_fields=["area"])
    dump = database_bytes(tmp_path)
    assert b"Control-Plain-Area-8812" in dump
    assert_no_canary(dump, f"the {connection.vendor} database")
    media = media_bytes()
    assert len(media) > 1000
    assert_no_canary(media, "the media folder")
