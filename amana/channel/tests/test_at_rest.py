"""Reports made through the site leave nothing readable in a copy of the database or media folder."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore as PlainSessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from amana.cases.models import Case
from amana.vault.models import SealedSession
from amana.vault.tests.test_at_rest import assert_no_canary, database_bytes, media_bytes

from .conftest import STEP_DATA, report_through_site

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Canary-Survivor-Name-Hb42 (fictional)"
PHONE_TYPED = "0750 999 8642"
PERPETRATOR = "0770 999 3571"
NARRATIVE = "Canary-narrative-Yt93: the example extortionist wants money (fictional)."
FILE_MARK = b"CANARY-EVIDENCE-BYTES-77aa"
MESSAGE = "Canary-reply-from-her-Kp20 (fictional)"
CANARIES = {"name": NAME, "phone": PHONE_TYPED, "perpetrator": PERPETRATOR, "narrative": NARRATIVE, "file": FILE_MARK}


def canary_steps() -> list[dict[str, object]]:
    steps = copy.deepcopy(STEP_DATA)
    steps[1]["narrative"] = NARRATIVE
    steps[1]["perpetrator_phones"] = PERPETRATOR
    steps[2].update({"name": NAME, "contact_phone": PHONE_TYPED})
    return steps


def test_a_stolen_copy_reveals_no_report(personas, tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    reporter = Client()
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + FILE_MARK * 200, content_type="image/png")
    code = report_through_site(reporter, steps=canary_steps(), files=[png])
    follower = Client()
    assert follower.post("/continue/", {"code": code}).status_code == 302
    reply = follower.post("/continue/write/", {"body": MESSAGE})
    assert reply.status_code == 302, reply.content.decode()[:2000]
    # Another visit stops half-way: what she typed so far sits in the session store.
    halfway = Client()
    for number, data in enumerate(canary_steps()[:5], start=1):
        halfway.post(f"/step/{number}/", {**data, "next": "1", "js": "1"})

    assert Case.objects.count() == 1
    dump = database_bytes(tmp_path)
    assert b"qayyarah" in dump  # a plain statistics column: the scan reads the data
    for label, canary in {**CANARIES, "message": MESSAGE, "code": code}.items():
        raw = canary if isinstance(canary, bytes) else str(canary).encode()
        assert raw not in dump, f"{label} found in the {connection.vendor} database"
    assert_no_canary(dump, "the database")
    # Even with the server's SECRET_KEY (the key files stolen too), no stored session decodes to
    # her half-written report.
    stored = [*Session.objects.values_list("session_data", flat=True)]
    stored += [*SealedSession.objects.values_list("session_data", flat=True)]
    assert stored
    for session_data in stored:
        decoded = json.dumps(PlainSessionStore().decode(session_data), ensure_ascii=False)
        assert NAME not in decoded and NARRATIVE not in decoded
    media = media_bytes()
    assert len(media) > len(FILE_MARK) * 200
    assert FILE_MARK not in media


def test_a_stolen_copy_holds_no_fingerprint_of_her_files(personas, login, tmp_path: Path, settings) -> None:
    """Anyone holding one of her pictures cannot confirm from a copy that it is in a case."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    sent = b"\x89PNG\r\n\x1a\n" + FILE_MARK * 200
    png = SimpleUploadedFile("photo.png", sent, content_type="image/png")
    report_through_site(Client(), steps=canary_steps(), files=[png])
    case = Case.objects.get()
    staff = login(personas.supervisor)  # a new case is not assigned yet: a supervisor handles it
    # Listing the evidence takes the fingerprint of the file she sent; a file staff add is hashed as received.
    added = b"%PDF-1.4\n% Canary-staff-file-Qm58 (fictional)\n%%EOF\n"
    upload = SimpleUploadedFile("threat.pdf", added, content_type="application/pdf")
    assert staff.post(f"/staff/evidence/{case.reference}/files/", {"files": [upload]}).status_code == 302
    page = staff.get(f"/staff/evidence/{case.reference}/")
    assert page.status_code == 200
    digests = [hashlib.sha256(content).digest() for content in (sent, added)]
    # Those who may open the evidence still see each true SHA-256.
    for digest in digests:
        assert digest.hex() in page.content.decode()

    dump, media = database_bytes(tmp_path), media_bytes()
    assert b"qayyarah" in dump  # a plain statistics column: the scan reads the data
    for where, blob in ((f"the {connection.vendor} database", dump), ("the media folder", media)):
        for digest in digests:
            for shape in (digest.hex().encode(), digest.hex().upper().encode(), digest):
                assert shape not in blob, f"a file's SHA-256 ({shape[:8]!r}…) found in {where}"
