"""A case made through the site is readable by the receiving NGO's caseworkers and nobody else."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from amana.cases import services
from amana.cases.models import CaseMessage, EvidenceFile, Sender, Status
from amana.cases.selectors import open_identity
from amana.cases.tests.conftest import assigned_case
from amana.evidence.models import CustodyAction, CustodyEvent
from amana.evidence.tests.conftest import opened_sha256
from amana.vault import services as vault
from amana.vault.services import NoKey
from conftest import PASSWORD

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40


def test_the_case_appears_in_the_ngo_queue_and_opens_for_its_caseworkers(personas, login) -> None:
    case, _code = assigned_case(personas)
    for persona in (personas.caseworker, personas.supervisor):
        client = login(persona)
        assert case.reference in client.get("/staff/cases/").content.decode()
        page = client.get(f"/staff/cases/{case.reference}/").content.decode()
        assert "Noor (example)" in page and "0770 000 0000" in page and "brother" in page


@pytest.mark.parametrize(
    "persona", ["me_officer", "org_admin", "system_admin", "cpt_member", "liaison", "provider_staff"]
)
def test_other_roles_are_refused(personas, login, persona: str) -> None:
    case, _code = assigned_case(personas)
    client = login(getattr(personas, persona))
    assert client.get("/staff/cases/").status_code == 403
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 403
    assert client.post(f"/staff/cases/{case.reference}/reply/", {"body": "x"}).status_code == 403


def test_another_ngo_neither_sees_nor_opens_it(personas, login) -> None:
    case, _code = assigned_case(personas)
    client = login(personas.outsider)
    assert case.reference not in client.get("/staff/cases/").content.decode()
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 404
    assert client.post(f"/staff/cases/{case.reference}/reply/", {"body": "x"}).status_code == 404
    # Not only a permission check: the other NGO holds no key.
    with pytest.raises(NoKey):
        open_identity(case, keyring=vault.user_keyring(personas.outsider, PASSWORD))


def test_signed_out_people_are_sent_to_sign_in(personas, client) -> None:
    case, _code = assigned_case(personas)
    assert "/staff/login/" in client.get(f"/staff/cases/{case.reference}/")["Location"]


def test_a_caseworker_replies_and_an_empty_reply_is_explained(personas, login) -> None:
    case, _code = assigned_case(personas)
    client = login(personas.caseworker)
    response = client.post(f"/staff/cases/{case.reference}/reply/", {"body": ""})
    assert response.status_code == 400 and "يُرجى كتابة رسالة أولاً" in response.content.decode()
    response = client.post(f"/staff/cases/{case.reference}/reply/", {"body": "We are here (example)."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not case.awaiting_reply
    assert b"We are here" not in bytes(CaseMessage.objects.get().body_sealed)
    assert "We are here (example)." in client.get(f"/staff/cases/{case.reference}/").content.decode()


def test_evidence_downloads_as_an_attachment_only_for_the_ngo(personas, login) -> None:
    case, _code = assigned_case(personas)
    services.add_evidence(case=case, files=[SimpleUploadedFile("x.png", PNG)], sender=Sender.SURVIVOR)
    evidence = EvidenceFile.objects.get()
    client = login(personas.caseworker)
    response = client.get(f"/staff/cases/{case.reference}/files/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == PNG
    assert login(personas.outsider).get(f"/staff/cases/{case.reference}/files/{evidence.pk}/").status_code == 404
    # The download entered the file's chain of custody, with its hash taken from the sealed file.
    events = list(CustodyEvent.objects.filter(item__file=evidence).order_by("pk").values_list("action", "by"))
    assert events == [(CustodyAction.RECEIVED, None), (CustodyAction.DOWNLOADED, personas.caseworker.pk)]
    assert opened_sha256(evidence.item, personas.caseworker) == hashlib.sha256(PNG).hexdigest()


def test_the_queue_puts_urgent_cases_first_and_pages(personas, login) -> None:
    calm, _ = assigned_case(personas)
    urgent, _ = assigned_case(personas, danger_now="yes")
    client = login(personas.caseworker)
    page = client.get("/staff/cases/").content.decode()
    assert page.index(urgent.reference) < page.index(calm.reference)
    assert client.get("/staff/cases/?page=99").status_code == 200


def test_references_are_random_and_not_sequential(personas) -> None:
    references = {assigned_case(personas)[0].reference for _ in range(3)}
    assert len(references) == 3
    for reference in references:
        assert len(reference) == 9 and reference[4] == "-"
