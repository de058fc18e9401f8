from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from amana.cases.models import EvidenceFile
from amana.evidence.pdq import compute_pdq
from amana.evidence.tests.conftest import opened_sha256

pytestmark = pytest.mark.django_db


def _image() -> bytes:
    picture = Image.new("RGB", (64, 64))
    for x in range(64):
        for y in range(64):
            picture.putpixel((x, y), (x * 4, y * 4, (x * y) % 256))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_it_computes_the_hash_and_stores_nothing_unless_she_chooses(personas, login, case, media_in_tmp) -> None:
    client = login(personas.caseworker)
    data = _image()
    response = client.post(f"/staff/evidence/{case.reference}/pdq/", {"image": SimpleUploadedFile("p.png", data)})
    assert response.status_code == 200
    page = response.content.decode()
    assert compute_pdq(data).hex in page
    assert "stopncii.org" in page  # the guidance is shown
    assert not EvidenceFile.objects.exists()
    assert _stored_files(media_in_tmp) == []


def test_it_keeps_the_image_sealed_when_she_chooses(personas, login, case, media_in_tmp) -> None:
    client = login(personas.caseworker)
    data = _image()
    response = client.post(
        f"/staff/evidence/{case.reference}/pdq/", {"image": SimpleUploadedFile("p.png", data), "keep": "on"}
    )
    assert response.status_code == 200
    evidence = EvidenceFile.objects.get(case=case)
    assert opened_sha256(evidence.item, personas.caseworker) == hashlib.sha256(data).hexdigest()
    assert len(_stored_files(media_in_tmp)) == 1
    assert data not in _stored_files(media_in_tmp)[0].read_bytes()


@pytest.mark.parametrize(
    ("name", "data"),
    [("p.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), ("doc.pdf", b"%PDF-1.4\n%%EOF\n"), ("x.jpg", b"<script>")],
)
def test_it_says_clearly_when_the_file_is_not_an_image_it_can_hash(personas, login, case, name, data) -> None:
    client = login(personas.caseworker)
    response = client.post(
        f"/staff/evidence/{case.reference}/pdq/", {"image": SimpleUploadedFile(name, data), "keep": "on"}
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_the_page_shows_the_guidance_and_the_form(personas, login, case) -> None:
    page = login(personas.supervisor).get(f"/staff/evidence/{case.reference}/pdq/").content.decode()
    assert "takeitdown.ncmec.org" in page and 'type="file"' in page
