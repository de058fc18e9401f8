"""Every persona against every referral and portal screen: allowed, or 403/404, nothing in between."""

from __future__ import annotations

import pytest

from amana.cases.models import EvidenceFile
from amana.referrals.models import Question

from .conftest import file_tokens, refer, shared_file_id

pytestmark = pytest.mark.django_db

PERSONAS = [
    "caseworker",
    "supervisor",
    "me_officer",
    "org_admin",
    "system_admin",
    "cpt_member",
    "liaison",
    "provider_staff",
    "outsider",
]
NGO = {"caseworker", "supervisor", "outsider"}  # the outsider is a caseworker of another NGO
PARTNER = {"liaison"}


def _screens(referral, question_id: int, evidence_id: int) -> list[tuple[str, str, str, dict]]:
    """(name, method, url, data) of every screen and action, for a liaison referral to the police."""
    ref, case = referral.reference, referral.case.reference
    return [
        ("ngo_list", "get", "/staff/referrals/", {}),
        ("new", "get", f"/staff/referrals/new/{case}/", {}),
        ("new_post", "post", f"/staff/referrals/new/{case}/", {}),
        ("detail", "get", f"/staff/referrals/{ref}/", {}),
        ("schedule", "post", f"/staff/referrals/{ref}/schedule/", {}),
        ("outcome", "post", f"/staff/referrals/{ref}/outcome/", {}),
        ("answer", "post", f"/staff/referrals/{ref}/questions/{question_id}/answer/", {"text": "An answer (example)."}),
        ("files", "post", f"/staff/referrals/{ref}/files/", {}),
        ("withdraw", "post", f"/staff/referrals/{ref}/withdraw/", {}),
        ("portal", "get", "/staff/referrals/received/", {}),
        ("received", "get", f"/staff/referrals/received/{ref}/", {}),
        ("evidence", "get", f"/staff/referrals/received/{ref}/files/{evidence_id}/", {}),
        ("evidence_download", "get", f"/staff/referrals/received/{ref}/files/{evidence_id}/download/", {}),
        ("question", "post", f"/staff/referrals/received/{ref}/question/", {"text": "A question (example)."}),
        ("action", "post", f"/staff/referrals/received/{ref}/action/", {"kind": "warned"}),
        ("done", "post", f"/staff/referrals/received/{ref}/done/", {}),
        ("accept", "post", f"/staff/referrals/received/{ref}/accept/", {}),
        ("decline", "post", f"/staff/referrals/received/{ref}/decline/", {"text": "Not ours (example)."}),
    ]


def _expected(persona: str, screen: str) -> set[int]:
    lists = {"ngo_list", "portal"}
    ngo_side = not screen.startswith(
        ("portal", "received", "evidence", "question", "action", "done", "accept", "decline")
    )
    allowed = NGO if ngo_side else PARTNER | {"provider_staff"}
    if persona not in allowed:
        return {403}
    if screen in lists:
        return {200}
    # A member of another organisation does not find the referral at all.
    if persona in ("outsider", "provider_staff"):
        return {404}
    return {200, 302, 400}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_is_allowed_or_refused_on_every_screen(personas, case, login, persona: str) -> None:
    referral = refer(personas, case)
    question = Question.objects.create(referral=referral, question_sealed=b"", asked_by=personas.liaison)
    evidence = EvidenceFile.objects.filter(case=case).first()
    client = login(getattr(personas, persona))
    for name, method, url, data in _screens(referral, question.pk, evidence.pk if evidence else 0):
        response = getattr(client, method)(url, data)
        expected = _expected(persona, name)
        if name.startswith("evidence") and persona in PARTNER:
            expected = {404}  # the fixture's case has no evidence file
        assert response.status_code in expected, (persona, name, response.status_code)


def test_signed_out_people_are_sent_to_sign_in(personas, case, client) -> None:
    referral = refer(personas, case)
    for url in (
        "/staff/referrals/",
        f"/staff/referrals/{referral.reference}/",
        f"/staff/referrals/received/{referral.reference}/",
    ):
        assert "/staff/login/" in client.get(url)["Location"]


def test_the_partner_never_sees_the_case_reference_or_her_name(personas, case, login) -> None:
    referral = refer(personas, case)
    page = login(personas.liaison).get(f"/staff/referrals/received/{referral.reference}/").content.decode()
    assert referral.reference in page and "He says he will send the photos" in page
    assert case.reference not in page and "Noor (example)" not in page and "0750 000 0000" not in page
    listing = login(personas.liaison).get("/staff/referrals/received/").content.decode()
    assert referral.reference in listing and case.reference not in listing


def test_a_partner_download_enters_the_chain_of_custody(personas, case, login) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from amana.cases import services as case_services
    from amana.cases.models import Sender
    from amana.evidence.models import CustodyAction, CustodyEvent

    png = b"\x89PNG\r\n\x1a\n" + b"example image bytes" * 20
    case_services.add_evidence(case=case, files=[SimpleUploadedFile("x.png", png)], sender=Sender.SURVIVOR)
    referral = refer(personas, case, compartments=["incident", "evidence"], files=file_tokens(personas, case))
    evidence = EvidenceFile.objects.get(case=case)
    url = f"/staff/referrals/received/{referral.reference}/files/{shared_file_id(referral)}/download/"
    response = login(personas.liaison).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png
    assert CustodyEvent.objects.filter(
        item__file=evidence, action=CustodyAction.DOWNLOADED, by=personas.liaison
    ).exists()
