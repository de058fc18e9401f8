"""After shredding, a copy of the database and media folder holds nothing of the case: no canary, no
code hash, no file hash, no key."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from amana.cases.models import Case
from amana.channel.models import SurvivorAccess
from amana.channel.tests.conftest import report_through_site
from amana.channel.tests.test_at_rest import FILE_MARK, canary_steps
from amana.evidence import services as evidence
from amana.evidence.models import EvidenceItem, PerpetratorIndex
from amana.retention import services
from amana.vault import services as vault
from amana.vault.models import LockerGrant, SurvivorKey
from amana.vault.tests.test_at_rest import assert_no_canary, database_bytes, media_bytes
from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def readable(blob: bytes, value: bytes | str) -> bool:
    """Whether a value is in a copy: as text, or as the hex a dump writes binary columns in."""
    raw = value.encode() if isinstance(value, str) else value
    return raw in blob or raw.hex().encode() in blob


def fresh_copy(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
    return database_bytes(tmp_path)


def test_a_shredded_case_leaves_nothing_readable(personas, login, tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + FILE_MARK * 200, content_type="image/png")
    code = report_through_site(Client(), steps=canary_steps(), files=[png])
    case = Case.objects.get()
    access = SurvivorAccess.objects.get(case=case)
    # A caseworker opens the evidence, which records each file's fingerprint for the chain of custody.
    evidence.ensure_items(case=case, keyring=vault.user_keyring(personas.caseworker, PASSWORD), by=personas.caseworker)
    traces: dict[str, bytes | str] = {
        "code hash": access.code_hash,
        "sealed file hash": bytes(EvidenceItem.objects.get(file__case=case).sha256_sealed),
        "survivor key": bytes(SurvivorKey.objects.get(pk=access.survivor_key_id).locked_private_key),
    }
    indexes = PerpetratorIndex.objects.filter(case=case).values_list("blind_index", flat=True)
    traces.update({f"blind index {i}": index for i, index in enumerate(indexes)})
    traces.update({f"sealed key {grant.pk}": bytes(grant.sealed_private_key) for grant in LockerGrant.objects.all()})
    assert len(traces) > 5
    # A control: before shredding, each trace is there to be found by the same scan.
    before = fresh_copy(tmp_path)
    for label, trace in traces.items():
        assert readable(before, trace), f"{label} not found before shredding: the scan misses it"
    assert any(path.is_file() for path in Path(settings.MEDIA_ROOT).rglob("*"))

    services.request_deletion(case=case)
    assert login(personas.supervisor).post(f"/staff/retention/{case.reference}/delete/").status_code == 302

    after = fresh_copy(tmp_path)
    for label, trace in traces.items():
        assert not readable(after, trace), f"{label} still in the {connection.vendor} database after shredding"
    assert_no_canary(after, "the database after shredding")
    assert not readable(after, code)
    media = media_bytes()
    assert FILE_MARK not in media
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
