from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from amana.cases import services as case_services
from amana.cases.models import Case, CaseMessage, Consent, EvidenceFile, Sender, Status
from amana.channel.models import GuessThrottle
from amana.channel.services import format_code

from .conftest import ARABIC_INDIC, make_case

pytestmark = pytest.mark.django_db


def _enter(client: Client, code: str):
    return client.post("/continue/", {"code": code})


def test_she_reads_the_reply_and_answers_with_her_code(personas, client: Client) -> None:
    case, code = make_case(personas.ngo)
    case_services.add_message(
        case=case, body="We can meet on Sunday (example).", sender=Sender.STAFF, author=personas.caseworker
    )
    response = _enter(client, format_code(code))
    assert response.status_code == 302 and response["Location"] == "/continue/page/"
    page = client.get("/continue/page/").content.decode()
    assert "We can meet on Sunday (example)." in page
    assert "تعمل مديرة الحالة على طلبك" in page  # in progress, in plain words
    response = client.post("/continue/write/", {"body": "Sunday is good (example)."})
    assert response.status_code == 302
    assert "Sunday is good (example)." in client.get("/continue/page/").content.decode()
    case.refresh_from_db()
    assert case.awaiting_reply
    assert CaseMessage.objects.filter(case=case, sender=Sender.SURVIVOR).count() == 1


def test_the_code_may_be_typed_with_arabic_digits_and_dashes(personas, client: Client) -> None:
    _case, code = make_case(personas.ngo)
    typed = "-".join(code[i : i + 4] for i in range(0, 16, 4)).translate(ARABIC_INDIC)
    assert _enter(client, typed).status_code == 302


def test_a_wrong_code_is_explained_and_kept_and_counted(personas, client: Client) -> None:
    make_case(personas.ngo)
    response = _enter(client, "1111 2222 3333 4444")
    assert response.status_code == 400
    page = response.content.decode()
    assert "لم يُعثر على هذا الرمز" in page
    assert "1111 2222 3333 4444" in page
    assert GuessThrottle.objects.filter(bucket="global").get().failures == 1
    response = _enter(client, "12")
    assert response.status_code == 400 and "16 رقماً" in response.content.decode()


@override_settings(AMANA_CODE_MAX_FAILURES_PER_CLIENT=3, AMANA_CODE_MAX_FAILURES_GLOBAL=100)
def test_guessing_is_throttled_per_client_even_for_a_right_code(personas, client: Client) -> None:
    _case, code = make_case(personas.ngo)
    for _ in range(3):
        _enter(client, "1111 2222 3333 4444")
    response = _enter(client, code)
    assert response.status_code == 429
    assert "جُرّبت رموز كثيرة" in response.content.decode()
    # Another client is not held back by this one.
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert _enter(other, code).status_code == 302
    # No address is stored: buckets are a few hex digits of a keyed hash.
    for throttle in GuessThrottle.objects.all():
        assert "127.0.0.1" not in throttle.bucket and "192.0.2.77" not in throttle.bucket
        assert throttle.bucket == "global" or len(throttle.bucket) == len("client:") + 4


@override_settings(AMANA_CODE_MAX_FAILURES_PER_CLIENT=100, AMANA_CODE_MAX_FAILURES_GLOBAL=4)
def test_guessing_is_throttled_for_everyone_together(personas) -> None:
    _case, code = make_case(personas.ngo)
    for number in range(4):
        _enter(Client(REMOTE_ADDR=f"198.51.100.{number}"), "1111 2222 3333 4444")
    assert _enter(Client(REMOTE_ADDR="203.0.113.9"), code).status_code == 429


def test_she_adds_evidence_and_a_bad_file_is_refused(personas, client: Client) -> None:
    case, code = make_case(personas.ngo)
    _enter(client, code)
    bad = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post("/continue/add/", {"files": bad})
    assert response.status_code == 400 and "notes.pdf" in response.content.decode()
    assert client.post("/continue/add/", {}).status_code == 400
    good = SimpleUploadedFile("chat.txt", "[12/03/2026] مرحبا (example)".encode(), content_type="text/plain")
    assert client.post("/continue/add/", {"files": good}).status_code == 302
    assert EvidenceFile.objects.filter(case=case, sender=Sender.SURVIVOR).count() == 1


def test_she_changes_what_may_be_shared(personas, client: Client) -> None:
    case, code = make_case(personas.ngo)
    _enter(client, code)
    response = client.post("/continue/choices/", {"consents": ["services.identity", "services.incident"]})
    assert response.status_code == 302
    given = {(c.audience, c.scope) for c in Consent.objects.filter(case=case, given=True)}
    assert given == {("services", "identity"), ("services", "incident")}
    assert client.post("/continue/choices/", {"consents": ["nonsense"]}).status_code == 400


def test_the_duress_code_shows_an_empty_page_and_flags_the_case(personas, client: Client) -> None:
    case, code = make_case(personas.ngo)
    case_services.add_message(
        case=case, body="Private reply (example).", sender=Sender.STAFF, author=personas.caseworker
    )
    _enter(client, code)
    client.post("/continue/second/", {"action": "new"})
    page = client.get("/continue/page/").content.decode()
    import re

    duress_code = re.search(r"\d{4} \d{4} \d{4} \d{4}", page).group(0)
    assert duress_code.replace(" ", "") != code
    # Shown once only.
    assert duress_code not in client.get("/continue/page/").content.decode()

    forced = Client()
    assert _enter(forced, duress_code).status_code == 302
    empty = forced.get("/continue/page/").content.decode()
    assert "Private reply (example)." not in empty
    assert "لا توجد رسائل بعد" in empty
    # Nothing says a report was made or a caseworker reads it, yet the page has the same forms.
    assert "استلمنا رسالتك" not in empty
    real = client.get("/continue/page/").content.decode()
    form_actions = re.compile(r'action="([^"]+)"')
    assert form_actions.findall(empty) == form_actions.findall(real)
    # Anything posted under duress is ignored.
    forced.post("/continue/write/", {"body": "sent by someone else"})
    assert not CaseMessage.objects.filter(case=case, sender=Sender.SURVIVOR).exists()
    case.refresh_from_db()
    assert case.duress_suspected and case.is_urgent
    # Her real code still works, and she can remove the second code.
    _enter(client, code)
    client.post("/continue/second/", {"action": "remove"})
    assert _enter(Client(), duress_code).status_code == 400


def test_follow_up_pages_need_a_code_first(personas, client: Client) -> None:
    for url in ["/continue/page/"]:
        assert client.get(url)["Location"] == "/continue/"
    for url in ["/continue/write/", "/continue/choices/", "/continue/second/", "/continue/add/"]:
        assert client.post(url, {"body": "x"})["Location"] == "/continue/"


def test_a_closed_case_says_so_in_plain_words(personas, client: Client) -> None:
    case, code = make_case(personas.ngo)
    case_services.set_status(case=case, status=Status.CLOSED, by=personas.caseworker)
    _enter(client, code)
    assert "أُغلق هذا الطلب" in client.get("/continue/page/").content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
