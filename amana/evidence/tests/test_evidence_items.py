from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from amana.cases import services as cases
from amana.cases.models import EvidenceFile, Sender
from amana.evidence.models import CustodyAction, CustodyEvent, EvidenceItem, HashTaken, IntakeChannel

from .conftest import PNG, opened_sha256

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% fictional document (example)\n%%EOF\n"


def _add(client: Any, case: Any, *files: SimpleUploadedFile) -> Any:
    return client.post(f"/staff/evidence/{case.reference}/files/", {"files": list(files)})


def test_it_seals_a_staff_file_with_the_sha256_of_what_was_received(personas, login, case) -> None:
    client = login(personas.caseworker)
    response = _add(client, case, SimpleUploadedFile("threat.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302
    item = EvidenceItem.objects.get(case=case)
    assert opened_sha256(item, personas.caseworker) == hashlib.sha256(PDF).hexdigest()
    assert item.hash_taken == HashTaken.AT_INTAKE
    assert item.intake_channel == IntakeChannel.STAFF_UPLOAD
    assert item.received_by == personas.caseworker
    assert item.kind == "pdf"
    assert list(item.custody.values_list("action", flat=True)) == [CustodyAction.RECEIVED]
    # The name is sealed, never stored in plain.
    assert b"threat" not in bytes(item.file.details_sealed)


def test_it_hashes_a_file_she_sent_through_the_site_once_when_first_listed(personas, login, case) -> None:
    cases.add_evidence(
        case=case, files=[SimpleUploadedFile("s.png", PNG, content_type="image/png")], sender=Sender.SURVIVOR
    )
    client = login(personas.caseworker)
    page = client.get(f"/staff/evidence/{case.reference}/")
    assert page.status_code == 200
    item = EvidenceItem.objects.get(case=case)
    assert opened_sha256(item, personas.caseworker) == hashlib.sha256(PNG).hexdigest()
    assert item.hash_taken == HashTaken.FROM_SEALED
    assert item.intake_channel == IntakeChannel.SURVIVOR_SITE
    assert hashlib.sha256(PNG).hexdigest() in page.content.decode()
    client.get(f"/staff/evidence/{case.reference}/")
    assert EvidenceItem.objects.filter(case=case).count() == 1


def test_it_logs_every_view_and_download_in_the_chain_of_custody(personas, login, case) -> None:
    client = login(personas.caseworker)
    _add(client, case, SimpleUploadedFile("threat.pdf", PDF, content_type="application/pdf"))
    item = EvidenceItem.objects.get(case=case)
    page = client.get(f"/staff/evidence/{case.reference}/files/{item.pk}/")
    assert page.status_code == 200
    assert "threat.pdf" in page.content.decode()
    download = client.get(f"/staff/evidence/{case.reference}/files/{item.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/octet-stream"
    supervisor = login(personas.supervisor)
    supervisor.get(f"/staff/evidence/{case.reference}/files/{item.pk}/")
    events = list(CustodyEvent.objects.filter(item=item).values_list("action", "by_label"))
    assert events == [
        (CustodyAction.RECEIVED, "caseworker"),
        (CustodyAction.VIEWED, "caseworker"),
        (CustodyAction.DOWNLOADED, "caseworker"),
        (CustodyAction.VIEWED, "supervisor"),
    ]
    log = supervisor.get(f"/staff/evidence/{case.reference}/files/{item.pk}/").content.decode()
    assert log.count("supervisor") >= 1 and "caseworker" in log


def test_it_refuses_a_file_of_the_wrong_type_and_keeps_nothing(personas, login, case, media_in_tmp: Path) -> None:
    client = login(personas.caseworker)
    script = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho hostile\n", content_type="image/jpeg")
    response = _add(client, case, script)
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert not EvidenceFile.objects.filter(case=case).exists()
    assert not list(media_in_tmp.rglob("*")) or not any(p.is_file() for p in media_in_tmp.rglob("*"))


def test_it_refuses_a_file_over_the_size_limit(personas, login, case, settings) -> None:
    settings.AMANA_EVIDENCE_MAX_BYTES = 1024
    client = login(personas.caseworker)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 4096, content_type="application/pdf")
    response = _add(client, case, big)
    assert response.status_code == 400
    assert "big.pdf" in response.content.decode()
    assert not EvidenceFile.objects.filter(case=case).exists()


def test_it_asks_for_a_file_when_none_is_sent(personas, login, case) -> None:
    response = login(personas.caseworker).post(f"/staff/evidence/{case.reference}/files/", {})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["me_officer", "org_admin", "system_admin", "cpt_member", "liaison", "provider_staff"])
def test_it_refuses_the_evidence_pages_to_other_roles(personas, login, case, role: str) -> None:
    client = login(getattr(personas, role))
    assert client.get(f"/staff/evidence/{case.reference}/").status_code == 403
    assert client.get(f"/staff/evidence/{case.reference}/pdq/").status_code == 403
    assert _add(client, case, SimpleUploadedFile("a.pdf", PDF)).status_code == 403
    assert not EvidenceFile.objects.filter(case=case).exists()


def test_it_hides_another_organisations_case(personas, login, case) -> None:
    client = login(personas.outsider)
    assert client.get(f"/staff/evidence/{case.reference}/").status_code == 404
    cases.add_evidence(case=case, files=[SimpleUploadedFile("s.png", PNG)], sender=Sender.SURVIVOR)
    evidence = EvidenceFile.objects.get(case=case)
    assert client.get(f"/staff/evidence/{case.reference}/files/{evidence.pk}/download/").status_code == 404


def test_it_sends_someone_signed_out_to_sign_in(client, case) -> None:
    response = client.get(f"/staff/evidence/{case.reference}/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_hashes_already_stored_in_plain(personas, case) -> None:
    cases.add_evidence(
        case=case, files=[SimpleUploadedFile("s.png", PNG, content_type="image/png")], sender=Sender.SURVIVOR
    )
    evidence = EvidenceFile.objects.get(case=case)
    plain = hashlib.sha256(PNG).hexdigest()
    before = [("evidence", "0005_chat_timeline_pages")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_item = executor.loader.project_state(before).apps.get_model("evidence", "EvidenceItem")
    old_item.objects.create(
        file_id=evidence.pk,
        case_id=case.pk,
        sha256=plain,
        hash_taken=HashTaken.FROM_SEALED,
        kind="image",
        intake_channel=IntakeChannel.SURVIVOR_SITE,
        received_at=evidence.created_at,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    item = EvidenceItem.objects.get(case=case)
    assert plain.encode() not in bytes(item.sha256_sealed)
    assert opened_sha256(item, personas.caseworker) == plain
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM evidence_evidenceitem")
        assert plain not in repr(cursor.fetchall())
