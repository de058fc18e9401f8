from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from amana.cases.models import EvidenceFile
from amana.evidence.models import ChatTimeline, EvidenceItem, IntakeChannel
from amana.evidence.sample_exports import EXTORTIONIST_E164, Layout, conversation, whatsapp_text, whatsapp_zip
from amana.evidence.selectors import open_incident
from amana.evidence.services import open_timeline

from .conftest import keyring_of
from .test_chat_import_corpus import CORPUS

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


def test_when_the_dates_could_be_either_order_she_is_shown_both_readings_and_her_choice_is_used(
    personas, login, case
) -> None:
    client = login(personas.caseworker)
    export = b"03/04/2023, 10:00 AM - A (example): one\n03/04/2023, 10:05 AM - A (example): two\n"
    with translation.override("en"):
        response = client.post(
            f"/staff/evidence/{case.reference}/chats/",
            {"export": SimpleUploadedFile("chat.txt", export)},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="date_order"' in page and "03/04/2023, 10:00 AM" in page
    assert not ChatTimeline.objects.exists()
    response = client.post(
        f"/staff/evidence/{case.reference}/chats/",
        {"export": SimpleUploadedFile("chat.txt", export), "date_order": "mdy"},
    )
    assert response.status_code == 302
    timeline = ChatTimeline.objects.get()
    entries = open_timeline(timeline, keyring=keyring_of(personas.caseworker))["messages"]
    assert entries[0]["at"].startswith("2023-03-04T10:00")


def test_a_whole_telegram_account_offers_its_chats_and_imports_only_the_one_picked(personas, login, case) -> None:
    client = login(personas.caseworker)
    export = (CORPUS / "telegram-account.json").read_bytes()
    response = client.post(
        f"/staff/evidence/{case.reference}/chats/", {"export": SimpleUploadedFile("result.json", export)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="chat"' in page and "Mother (example)" in page and "Unknown (example)" in page
    response = client.post(
        f"/staff/evidence/{case.reference}/chats/", {"export": SimpleUploadedFile("result.json", export), "chat": "1"}
    )
    assert response.status_code == 302
    document = open_timeline(ChatTimeline.objects.get(), keyring=keyring_of(personas.caseworker))
    assert document["chat_name"] == "Unknown (example)"
    assert "Come home early" not in json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize(("name", "words"), [("signal-export.zip", "Signal"), ("telegram-messages.html", "JSON")])
def test_exports_of_other_kinds_are_named_for_what_they_are(personas, login, case, name: str, words: str) -> None:
    client = login(personas.caseworker)
    # The page's language is the one she chose with the language links, never the browser's.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        response = client.post(
            f"/staff/evidence/{case.reference}/chats/",
            {"export": SimpleUploadedFile(name, (CORPUS / name).read_bytes())},
        )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not EvidenceFile.objects.filter(case=case).exists()


def test_her_own_number_is_not_proposed_as_the_extortionists(personas, login, case) -> None:
    # The case's identity gives 0750 000 0000 as the number to reach her on.
    export = (
        "17/03/2023, 14:22 - ‪+964 750 000 0000‬: this is my number (example)\n"
        "17/03/2023, 14:23 - ‪+964 770 123 4567‬: and this is mine, 0770 123 4567\n"
    ).encode()
    client = login(personas.caseworker)
    client.post(f"/staff/evidence/{case.reference}/chats/", {"export": SimpleUploadedFile("chat.txt", export)})
    proposals = open_timeline(ChatTimeline.objects.get(), keyring=keyring_of(personas.caseworker))["proposals"]
    assert [proposal["value"] for proposal in proposals] == [EXTORTIONIST_E164]


def test_a_timeline_page_opens_only_its_own_sealed_page(personas, login, case) -> None:
    client = login(personas.caseworker)
    messages = conversation(450)
    response = _import(client, case, "chat.txt", whatsapp_text(messages, Layout()))
    timeline = ChatTimeline.objects.get()
    assert timeline.page_count == 3
    assert "أرسلي".encode() not in b"".join(bytes(page.sealed) for page in timeline.pages.all())
    # Damage the first page: the third still opens, so it was read alone.
    first = timeline.pages.get(number=0)
    first.sealed = bytes(first.sealed)[:-1] + bytes([bytes(first.sealed)[-1] ^ 1])
    first.save()
    third = client.get(f"{response['Location']}?page=3")
    assert third.status_code == 200
    assert messages[-1].text in third.content.decode() or messages[-1].attachment in third.content.decode()
    assert client.get(f"{response['Location']}?page=1").status_code == 302


def _media_import_queries(client: Any, case: Any, count: int) -> int:
    messages = conversation(17 * count)  # one attachment in every 17 messages
    export = whatsapp_zip(messages, Layout(phone="iphone"))
    with CaptureQueriesContext(connection) as captured:
        response = _import(client, case, "chat.zip", export)
    assert response.status_code == 302
    return len(captured.captured_queries)


def test_the_media_of_an_export_are_recorded_in_a_few_statements_whatever_their_number(personas, login, case) -> None:
    client = login(personas.caseworker)
    assert _media_import_queries(client, case, 3) == _media_import_queries(client, case, 30)
