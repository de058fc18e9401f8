from __future__ import annotations

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from amana.cases import services as case_services
from amana.cases.models import Case, CaseMessage, Consent, EvidenceFile, Sender, Status
from amana.channel.models import GuessThrottle
from amana.channel.services import code_check_delay, format_code

from .conftest import ARABIC_INDIC, make_case

pytestmark = pytest.mark.django_db
WRONG = "1111 2222 3333 4444 5555"


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
    typed = "-".join(code[i : i + 4] for i in range(0, 20, 4)).translate(ARABIC_INDIC)
    assert _enter(client, typed).status_code == 302


def test_a_wrong_code_is_explained_and_kept_and_counted(personas, client: Client) -> None:
    make_case(personas.ngo)
    response = _enter(client, WRONG)
    assert response.status_code == 400
    page = response.content.decode()
    assert "لم يُعثر على هذا الرمز" in page
    assert WRONG in page
    assert GuessThrottle.objects.filter(bucket="global").get().failures == 1
    response = _enter(client, "12")
    assert response.status_code == 400 and "20 رقماً" in response.content.decode()


def test_a_right_code_is_never_counted(personas, client: Client) -> None:
    _case, code = make_case(personas.ngo)
    for _ in range(3):
        assert _enter(client, code).status_code == 302
    assert not GuessThrottle.objects.exists()


# A window far longer than the test, so that no window ends (and no bucket turns over) during it.
LONG_WINDOW = 10**9


@override_settings(
    AMANA_CODE_FREE_FAILURES=2,
    AMANA_CODE_MAX_DELAY_SECONDS=2,
    AMANA_CODE_FLOOD_FAILURES=1000,
    AMANA_CODE_WINDOW_SECONDS=LONG_WINDOW,
)
def test_wrong_codes_slow_a_client_down_step_by_step_never_locking_it(personas, client: Client) -> None:
    make_case(personas.ngo)
    delays = []
    for _ in range(6):  # about five seconds of waiting in all
        delays.append(code_check_delay("127.0.0.1"))
        assert _enter(client, WRONG).status_code == 400
    # Two free, then 1, 2 seconds and no more than the longest wait.
    assert delays == [0, 0, 0, 1, 2, 2]
    assert code_check_delay("127.0.0.1") == 2
    # Another client is not slowed down by this one, and no address is stored.
    assert code_check_delay("192.0.2.77") == 0
    for throttle in GuessThrottle.objects.all():
        assert "127.0.0.1" not in throttle.bucket
        assert throttle.bucket == "global" or len(throttle.bucket) == len("client:") + 4


@override_settings(
    AMANA_CODE_FREE_FAILURES=3,
    AMANA_CODE_MAX_DELAY_SECONDS=1,
    AMANA_CODE_FLOOD_FAILURES=10,
    AMANA_CODE_FLOOD_DELAY_SECONDS=1,
    AMANA_CODE_WINDOW_SECONDS=LONG_WINDOW,
)
def test_after_a_flood_of_wrong_codes_her_right_code_opens_from_everywhere(personas) -> None:
    _case, code = make_case(personas.ngo)
    her_network = Client(REMOTE_ADDR="203.0.113.9")
    # A flood from her own address (a whole mobile network behind one NAT) and from many others.
    for _ in range(8):
        assert _enter(her_network, WRONG).status_code == 400
    for number in range(12):
        assert _enter(Client(REMOTE_ADDR=f"198.51.100.{number}"), WRONG).status_code == 400
    assert GuessThrottle.objects.get(bucket="global").failures == 20
    # Everyone now pays a small wait, her network a longer one: but her code opens from both.
    assert code_check_delay("203.0.113.9") == 2 and code_check_delay("192.0.2.1") == 1
    assert _enter(her_network, code)["Location"] == "/continue/page/"
    elsewhere = Client(REMOTE_ADDR="192.0.2.1")
    assert _enter(elsewhere, code)["Location"] == "/continue/page/"
    assert "لا توجد رسائل بعد" in elsewhere.get("/continue/page/").content.decode()


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


def _make_second_code(code: str) -> str:
    response = Client().post("/continue/second/", {"code": code, "action": "make"})
    assert response.status_code == 200
    return re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}", response.content.decode()).group(0)


def _main_text(html: str) -> str:
    """What the page says, tags and one-time tokens left out."""
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)
    return re.sub(r"\s+", " ", main)


def test_the_duress_code_shows_the_page_of_a_new_case_and_flags_hers(personas, client: Client) -> None:
    case, code = make_case(personas.ngo, consents=[])
    case_services.add_message(
        case=case, body="Private reply (example).", sender=Sender.STAFF, author=personas.caseworker
    )
    duress_code = _make_second_code(code)
    assert duress_code.replace(" ", "") != code
    # A real new case with no reply, for comparison.
    _new_case, new_code = make_case(personas.ngo, consents=[])
    real = Client()
    assert _enter(real, new_code)["Location"] == "/continue/page/"

    forced = Client()
    assert _enter(forced, duress_code)["Location"] == "/continue/page/"
    empty = forced.get("/continue/page/").content.decode()
    assert "Private reply (example)." not in empty
    assert _main_text(empty) == _main_text(real.get("/continue/page/").content.decode())
    case.refresh_from_db()
    assert case.duress_suspected and case.is_urgent

    # A message sent under duress: the same notice, shown in the thread, and delivered marked.
    for visitor in (forced, real):
        response = visitor.post("/continue/write/", {"body": "All is fine (example)."}, follow=True)
        assert "أُرسلت رسالتك" in response.content.decode()
        assert "All is fine (example)." in response.content.decode()
    sent = CaseMessage.objects.get(case=case, sender=Sender.SURVIVOR)
    assert sent.under_duress
    # Choices saved under duress: the same notice and shown back, but her real choices stand.
    for visitor in (forced, real):
        visitor.post("/continue/choices/", {"consents": ["services.incident"]})
    assert _main_text(forced.get("/continue/page/").content.decode()) == _main_text(
        real.get("/continue/page/").content.decode()
    )
    assert not Consent.objects.filter(case=case, audience="services", given=True).exists()


def test_the_second_code_is_explained_only_where_she_sets_it_up(personas, client: Client) -> None:
    _case, code = make_case(personas.ngo)
    duress_code = _make_second_code(code)
    forced = Client()
    _enter(forced, duress_code)
    page = forced.get("/continue/page/").content.decode()
    for word in ("رمز ثانٍ", "رمزاً ثانياً", "/continue/second/"):
        assert word not in page
    # Typed on the set-up page, the second code answers as a real code without one would.
    fake = Client().post("/continue/second/", {"code": duress_code, "action": "make"})
    assert fake.status_code == 200 and re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}", fake.content.decode())
    assert _enter(Client(), duress_code).status_code == 302  # nothing was replaced
    # With her real code she removes it.
    assert Client().post("/continue/second/", {"code": code, "action": "remove"}).status_code == 200
    assert _enter(Client(), duress_code).status_code == 400


def test_follow_up_pages_outside_a_visit_show_the_neutral_home(personas, client: Client) -> None:
    assert client.get("/continue/page/")["Location"] == "/"
    for url in ["/continue/write/", "/continue/choices/", "/continue/add/"]:
        assert client.post(url, {"body": "x"})["Location"] == "/"


@override_settings(AMANA_FOLLOW_UP_IDLE_SECONDS=60)
def test_reading_replies_ends_after_a_short_idle_time(personas, client: Client, monkeypatch) -> None:
    _case, code = make_case(personas.ngo)
    _enter(client, code)
    assert client.get("/continue/page/").status_code == 200
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/continue/page/")["Location"] == "/"


def test_end_this_visit_forgets_it(personas, client: Client) -> None:
    _case, code = make_case(personas.ngo)
    _enter(client, code)
    assert client.post("/continue/end/")["Location"] == "/"
    assert client.get("/continue/page/")["Location"] == "/"


def test_a_closed_case_says_so_in_plain_words(personas, client: Client) -> None:
    case, code = make_case(personas.ngo)
    case_services.set_status(case=case, status=Status.CLOSED, by=personas.caseworker)
    _enter(client, code)
    assert "أُغلق هذا الطلب" in client.get("/continue/page/").content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
