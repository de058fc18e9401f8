from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from amana.cases.models import Case, EvidenceFile
from amana.cases.selectors import open_evidence_file
from amana.vault import services as vault
from conftest import PASSWORD

from .conftest import answer_steps, report_through_site

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _answer_all(client: Client) -> str:
    return answer_steps(client)


def test_a_picture_is_sealed_with_the_report(personas, client: Client) -> None:
    report_through_site(client, files=SimpleUploadedFile("screenshot.png", PNG, content_type="image/png"))
    evidence = EvidenceFile.objects.get()
    keyring = vault.user_keyring(personas.caseworker, PASSWORD)
    info, chunks = open_evidence_file(evidence, keyring=keyring)
    assert info.name == "screenshot.png" and info.content_type == "image/png"
    assert b"".join(chunks) == PNG
    assert b"screenshot" not in bytes(evidence.details_sealed)


def test_a_file_of_the_wrong_kind_is_refused_and_the_answers_are_kept(personas, client: Client) -> None:
    token = _answer_all(client)
    script = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    response = client.post("/step/last/", {"token": token, "send": "1", "js": "1", "files": script})
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert "ليس من أنواع الملفات" in response.content.decode()
    assert Case.objects.count() == 0
    # Sending again without the file works: nothing she answered was lost.
    assert client.post("/step/last/", {"token": token, "send": "1", "js": "1"}).status_code == 200
    assert Case.objects.count() == 1


@override_settings(AMANA_EVIDENCE_MAX_BYTES=2048)
def test_a_file_too_large_is_refused_without_being_kept(personas, client: Client, tmp_path) -> None:
    token = _answer_all(client)
    big = SimpleUploadedFile("video.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 5000, content_type="video/mp4")
    response = client.post("/step/last/", {"token": token, "send": "1", "js": "1", "files": big})
    assert response.status_code == 400
    assert "video.mp4" in response.content.decode()
    assert "كبير جداً" in response.content.decode()
    assert Case.objects.count() == 0
    assert EvidenceFile.objects.count() == 0


def test_more_than_five_files_are_refused(personas, client: Client) -> None:
    token = _answer_all(client)
    files = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(6)]
    response = client.post("/step/last/", {"token": token, "send": "1", "js": "1", "files": files})
    assert response.status_code == 400
    assert "5 ملفات" in response.content.decode()
    assert Case.objects.count() == 0


def test_the_upload_still_needs_the_form_token(personas) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.get("/")
    csrf = strict.cookies["csrftoken"].value
    assert strict.post("/step/1/", {"start": "1", "csrfmiddlewaretoken": csrf})["Location"] == "/step/1/"
    response = strict.post("/step/last/", {"token": "x", "send": "1"})
    assert response.status_code == 403


def test_files_sent_without_a_report_being_written_are_not_read(personas, client: Client) -> None:
    files = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(2)]
    response = client.post("/step/last/", {"token": "x", "send": "1", "files": files})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.post("/continue/add/", {"files": files})["Location"] == "/"
    assert Case.objects.count() == 0 and EvidenceFile.objects.count() == 0
