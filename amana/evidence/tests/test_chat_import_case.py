from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from amana.cases.models import EvidenceFile
from amana.evidence.models import ChatTimeline, EvidenceItem, IntakeChannel
from amana.evidence.sample_exports import EXTORTIONIST_E164, Layout, conversation, whatsapp_text, whatsapp_zip
from amana.evidence.selectors import open_incident

from .conftest import keyring_of

pytestmark = pytest.mark.django_db


def _import(client: Any, case: Any, name: str, data: bytes) -> Any:
    return client.post(f"/staff/evidence/{case.reference}/chats/", {"export": SimpleUploadedFile(name, data)})


def test_it_imports_a_whatsapp_export_with_media_into_the_case(personas, login, case) -> None:
    client = login(personas.caseworker)
    messages = conversation(40)
    response = _import(client, case, "WhatsApp Chat.zip", whatsapp_zip(messages, Layout(phone="iphone")))
    assert response.status_code == 302, response.content.decode()[:2000]
    timeline = ChatTimeline.objects.get(case=case)
    attachments = [m.attachment for m in messages if m.attachment]
    assert timeline.attachment_count == len(attachments)
    items = EvidenceItem.objects.filter(case=case)
    assert items.filter(intake_channel=IntakeChannel.CHAT_IMPORT).count() == len(attachments) + 1
    assert all(item.chat_id == timeline.pk for item in items)
    page = client.get(response["Location"]).content.decode()
    assert "أرسلي المبلغ قبل يوم الجمعة" in page  # Arabic text shown as written
    assert attachments[0] in page
    assert '<div dir="auto" class="chat__text">' in page
    # The timeline is sealed: nothing of it in plain columns.
    assert "أرسلي".encode() not in bytes(timeline.timeline_sealed)


def test_it_shows_what_it_could_not_read_in_a_partial_export(personas, login, case) -> None:
    client = login(personas.caseworker)
    text = whatsapp_text(conversation(12), Layout(language="ar", clock=12))
    response = _import(client, case, "chat.txt", text)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    # Attachments named in a .txt export are not in it: said clearly.
    assert "ما تعذرت قراءته" in page or "What could not be read" in page


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("notes.txt", b"just some words, not a chat export at all\n"),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 40),
        ("binary.bin", b"\x00\x01\x02" * 200),
    ],
)
def test_it_refuses_what_is_not_a_chat_with_a_clear_message_and_keeps_nothing(
    personas, login, case, name, data
) -> None:
    client = login(personas.caseworker)
    response = _import(client, case, name, data)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not ChatTimeline.objects.exists()
    assert not EvidenceFile.objects.filter(case=case).exists()


def test_it_refuses_an_export_over_the_limit(personas, login, case, settings) -> None:
    settings.AMANA_CHAT_EXPORT_MAX_BYTES = 2048
    client = login(personas.caseworker)
    response = _import(client, case, "chat.txt", whatsapp_text(conversation(200), Layout()))
    assert response.status_code == 400
    assert not ChatTimeline.objects.exists()


def test_confirmed_identifiers_are_added_to_the_sealed_incident(personas, login, case) -> None:
    client = login(personas.caseworker)
    _import(client, case, "chat.txt", whatsapp_text(conversation(30), Layout()))
    timeline = ChatTimeline.objects.get(case=case)
    page = client.get(f"/staff/evidence/{case.reference}/chats/{timeline.pk}/")
    choices = [value for value, _label in page.context["form"].fields["chosen"].choices]
    assert f"phone:{EXTORTIONIST_E164}" in choices
    response = client.post(
        f"/staff/evidence/{case.reference}/chats/{timeline.pk}/identifiers/",
        {"chosen": [f"phone:{EXTORTIONIST_E164}", "telegram:bad_actor_example"]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    incident = open_incident(case, keyring=keyring_of(personas.caseworker))
    assert EXTORTIONIST_E164 in incident["perpetrator_phones"]
    assert "telegram: @bad_actor_example" in incident["perpetrator_accounts"]
    assert EXTORTIONIST_E164.encode() not in bytes(case.incident_sealed)
    assert case.identifier_indexes.count() == 2
    # Confirming again adds nothing twice.
    client.post(
        f"/staff/evidence/{case.reference}/chats/{timeline.pk}/identifiers/", {"chosen": [f"phone:{EXTORTIONIST_E164}"]}
    )
    case.refresh_from_db()
    incident = open_incident(case, keyring=keyring_of(personas.caseworker))
    assert incident["perpetrator_phones"].count(EXTORTIONIST_E164) == 1


def test_a_forged_identifier_choice_is_refused(personas, login, case) -> None:
    client = login(personas.caseworker)
    _import(client, case, "chat.txt", whatsapp_text(conversation(10), Layout()))
    timeline = ChatTimeline.objects.get(case=case)
    response = client.post(
        f"/staff/evidence/{case.reference}/chats/{timeline.pk}/identifiers/", {"chosen": ["phone:+9647000000000"]}
    )
    assert response.status_code == 400
    assert not case.identifier_indexes.exists()


@pytest.mark.parametrize("role", ["me_officer", "org_admin", "cpt_member", "liaison", "provider_staff"])
def test_it_refuses_chat_import_to_other_roles(personas, login, case, role: str) -> None:
    client = login(getattr(personas, role))
    assert _import(client, case, "chat.txt", whatsapp_text(conversation(5), Layout())).status_code == 403
    assert not ChatTimeline.objects.exists()


def test_another_organisation_cannot_read_the_timeline(personas, login, case) -> None:
    _import(login(personas.caseworker), case, "chat.txt", whatsapp_text(conversation(5), Layout()))
    timeline = ChatTimeline.objects.get()
    assert login(personas.outsider).get(f"/staff/evidence/{case.reference}/chats/{timeline.pk}/").status_code == 404
