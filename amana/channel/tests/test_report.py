from __future__ import annotations

import re

import pytest
from django.test import Client

from amana.cases.models import Case, Channel, Consent
from amana.cases.selectors import open_identity, open_incident
from amana.channel.models import SurvivorAccess
from amana.vault import services as vault

from .conftest import CODE_PATTERN, STEP_DATA, answer_steps, report_through_site

pytestmark = pytest.mark.django_db


def test_it_makes_a_sealed_case_for_the_first_ngo_and_shows_the_code_once(personas, client: Client) -> None:
    code = report_through_site(client)
    case = Case.objects.get()
    assert case.organisation == personas.ngo
    assert case.channel == Channel.WEB
    assert case.recorded_by is None
    assert case.platform == "whatsapp" and case.demands == ["images", "money"]
    assert case.district == "qayyarah" and case.age_band == "18_24"
    assert case.wants == ["liaison", "talk"]
    assert not case.danger_now and not case.self_harm
    access = SurvivorAccess.objects.get(case=case)
    assert access.code_hash == vault.derive_code_secrets(code).lookup
    assert code not in access.code_hash
    # The code is shown once: the page asked again (a second send of the form excepted) shows the
    # neutral home page.
    client.get("/step/end/")
    assert client.get("/step/end/")["Location"] == "/"
    keyring = vault.user_keyring(personas.caseworker, "correct horse battery staple 7")
    incident = open_incident(case, keyring=keyring)
    assert incident["perpetrator_phones"] == ["0770 000 0000", "07800000000"]
    assert incident["perpetrator_accounts"] == ["@example_account"]
    assert "brother" in incident["narrative"]
    identity = open_identity(case, keyring=keyring)
    assert identity["name"] == "Noor (example)" and identity["contact_phone"] == "0750 000 0000"
    given = {(c.audience, c.scope) for c in Consent.objects.filter(case=case, given=True)}
    assert given == {("authorities", "incident")}


def test_it_seals_what_identifies_her(personas, client: Client) -> None:
    report_through_site(client)
    case = Case.objects.get()
    for sealed in (bytes(case.identity_sealed), bytes(case.incident_sealed)):
        for secret in (b"Noor", b"0750", b"brother", b"example_account"):
            assert secret not in sealed


def test_a_missing_answer_is_explained_in_arabic_and_what_she_typed_is_kept(personas, client: Client) -> None:
    client.post("/step/1/", {**STEP_DATA[0], "next": "1", "js": "1"})
    response = client.post(
        "/step/2/", {"narrative": "Only this so far (example)", "platform": "telegram", "next": "1", "js": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "يرجى الإجابة عن هذا السؤال" in page
    assert "Only this so far (example)" in page
    # She goes back and returns: what she typed is still there.
    client.post("/step/2/", {"narrative": "Only this so far (example)", "platform": "telegram", "back": "1", "js": "1"})
    again = client.get("/step/2/").content.decode()
    assert "Only this so far (example)" in again
    assert re.search(r'value="telegram"[^>]*checked', again)


def test_a_later_step_cannot_be_reached_before_the_earlier_ones(personas, client: Client) -> None:
    # Outside a visit: the neutral home page.
    assert client.get("/step/3/")["Location"] == "/"
    assert client.get("/step/last/")["Location"] == "/"
    # Inside one: the first step not yet answered.
    client.post("/step/1/", {"start": "1", "js": "1"})
    assert "لمن تطلبين المساعدة؟" in client.get("/step/3/").content.decode()
    assert "لمن تطلبين المساعدة؟" in client.get("/step/last/").content.decode()
    assert client.get("/step/9/").status_code == 404


def test_sending_twice_makes_one_case_and_the_code_survives(personas, client: Client) -> None:
    token = answer_steps(client)
    first = client.post("/step/last/", {"token": token, "send": "1", "js": "1"})
    second = client.post("/step/last/", {"token": token, "send": "1", "js": "1"}, follow=True)
    assert first.status_code == 200 and "receipt-code" in first.content.decode()
    assert Case.objects.count() == 1
    # The second send's answer (the one her browser shows after a double tap) has her code too.
    assert CODE_PATTERN.search(second.content.decode()).group(1) in first.content.decode()
    # Replaying the old form later makes nothing either.
    client.post("/step/last/", {"token": token, "send": "1", "js": "1"})
    assert Case.objects.count() == 1


def test_danger_shows_emergency_lines_at_once_and_marks_the_case_urgent(personas, hotlines, client: Client) -> None:
    response = client.post(
        "/step/1/", {**STEP_DATA[0], "danger_now": "yes", "self_harm": "not_said", "next": "1", "js": "1"}
    )
    page = response.content.decode()
    assert "Emergency line (example)" in page
    assert '<section class="emergency"' in page
    # The steps after show it folded above the questions, so they are not pushed below the fold.
    response = client.post("/step/2/", {**STEP_DATA[1], "next": "1", "js": "1"})
    assert '<details class="emergency emergency--folded">' in response.content.decode()
    assert "Emergency line (example)" in response.content.decode()
    steps = [{**STEP_DATA[0], "danger_now": "yes", "self_harm": "yes"}, *STEP_DATA[1:]]
    report_through_site(client, steps=steps)
    case = Case.objects.get()
    assert case.danger_now and case.self_harm and case.is_urgent


def test_too_many_or_malformed_numbers_are_refused_with_a_message(personas, client: Client) -> None:
    client.post("/step/1/", {**STEP_DATA[0], "next": "1", "js": "1"})
    many = "\n".join(f"0770000{i:04d}" for i in range(11))
    response = client.post("/step/2/", {**STEP_DATA[1], "perpetrator_phones": many, "next": "1", "js": "1"})
    assert response.status_code == 400
    assert "0770000" in response.content.decode()
    response = client.post(
        "/step/2/", {**STEP_DATA[1], "perpetrator_phones": "<script>alert(1)</script>", "next": "1", "js": "1"}
    )
    assert response.status_code == 400
    assert "<script>alert" not in response.content.decode()
    assert "لا يبدو رقم هاتف" in response.content.decode()


def test_a_huge_narrative_is_refused_and_kept(personas, client: Client) -> None:
    client.post("/step/1/", {**STEP_DATA[0], "next": "1", "js": "1"})
    response = client.post("/step/2/", {**STEP_DATA[1], "narrative": "x" * 6000, "next": "1", "js": "1"})
    assert response.status_code == 400
    assert "5000" in response.content.decode()


def test_a_call_without_a_number_is_explained(personas, client: Client) -> None:
    for number, data in enumerate(STEP_DATA[:2], start=1):
        client.post(f"/step/{number}/", {**data, "next": "1", "js": "1"})
    response = client.post("/step/3/", {"wants": ["talk"], "contact_methods": ["whatsapp"], "next": "1", "js": "1"})
    assert response.status_code == 400
    assert "Mornings" not in response.content.decode()
    assert "واتساب" in response.content.decode()


@pytest.mark.django_db
def test_without_a_receiving_ngo_nothing_is_lost(client: Client) -> None:
    token = answer_steps(client)
    response = client.post("/step/last/", {"token": token, "send": "1", "js": "1"})
    assert response.status_code == 503
    assert Case.objects.count() == 0
    assert client.get("/step/last/").status_code == 200  # every answer still there


def test_a_number_she_did_not_ask_us_to_call_is_not_kept(personas, client: Client) -> None:
    for number, data in enumerate(STEP_DATA[:2], start=1):
        client.post(f"/step/{number}/", {**data, "next": "1", "js": "1"})
    response = client.post(
        "/step/3/",
        {"wants": ["talk"], "contact_methods": ["site_only"], "contact_phone": "0750 000 0000", "next": "1", "js": "1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "اتركي الرقم فارغاً" in page
    assert "0750 000 0000" in page  # what she typed is kept for her to decide


def test_without_the_script_every_answer_leads_to_a_plain_address(personas, client: Client) -> None:
    """Without script, no history entry is a form the browser would send again."""
    assert client.post("/step/1/", {"start": "1"})["Location"] == "/step/1/"
    assert client.post("/step/1/", {**STEP_DATA[0], "next": "1"})["Location"] == "/step/2/"
    # A missing answer: back to the same address, which then says what is missing.
    assert client.post("/step/2/", {"platform": "telegram", "next": "1"})["Location"] == "/step/2/"
    again = client.get("/step/2/").content.decode()
    assert "يرجى الإجابة عن هذا السؤال" in again and re.search(r'value="telegram"[^>]*checked', again)
    for number, data in enumerate(STEP_DATA[1:], start=2):
        assert client.post(f"/step/{number}/", {**data, "next": "1"})["Location"] in (
            f"/step/{number + 1}/",
            "/step/last/",
        )
    token = client.get("/step/last/").context["token"]
    assert client.post("/step/last/", {"token": token, "send": "1"})["Location"] == "/step/end/"
    assert CODE_PATTERN.search(client.get("/step/end/").content.decode())
    assert client.get("/step/end/")["Location"] == "/"
    assert Case.objects.count() == 1


def test_the_home_page_holds_every_step_and_its_last_next_sends_them_all(personas, client: Client) -> None:
    """Without the script too: one POST from the home page, answered with the review's address."""
    home = client.get("/").content.decode()
    assert all(f'data-step-part="{number}"' in home for number in (1, 2, 3))
    assert re.search(r'<button type="submit" name="next" value="3">', home)
    merged = {key: value for data in STEP_DATA for key, value in data.items()}
    assert client.post("/step/1/", {**merged, "next": "3"})["Location"] == "/step/last/"
    assert "Noor (example)" in client.get("/step/last/").content.decode()


def test_the_first_step_sent_alone_keeps_what_she_typed_further_down(personas, client: Client) -> None:
    """In danger, she sends the first step at once: what she already typed below waits for her,
    unchecked until she gets there."""
    typed = {**STEP_DATA[0], "danger_now": "yes", "narrative": "He threatens me (example)", "name": ""}
    assert client.post("/step/1/", {**typed, "next": "1"})["Location"] == "/step/2/"
    page = client.get("/step/2/").content.decode()
    assert "He threatens me (example)" in page and "errorlist" not in page
    review = client.get("/step/last/")  # not complete until sent: the review shows step 2 instead
    assert "token" not in review.context and review.context["parts"][0].step == 2


@pytest.mark.parametrize("pressed", ["abc", "-5", "0", "", "9" * 5000])
def test_a_strange_button_value_is_read_as_the_step_posted_to(personas, client: Client, pressed: str) -> None:
    response = client.post("/step/1/", {**STEP_DATA[0], "next": pressed})
    assert response.status_code == 302 and response["Location"] == "/step/2/"


def test_back_to_the_home_page_during_her_visit_shows_her_answers_and_loses_none(personas, client: Client) -> None:
    merged = {key: value for data in STEP_DATA for key, value in data.items()}
    assert client.post("/step/1/", {**merged, "next": "3"})["Location"] == "/step/last/"
    home = client.get("/").content.decode()
    assert '<details class="ask-for-help" open>' in home and 'value="Noor (example)"' in home
    # Sending the first step again from there, with the fields below it empty, keeps the rest.
    empty_below = dict.fromkeys(("narrative", "perpetrator_phones", "name", "safe_times"), "")
    assert client.post("/step/1/", {**STEP_DATA[0], **empty_below, "next": "1"})["Location"] == "/step/last/"
    assert "Noor (example)" in client.get("/step/last/").content.decode()


def test_every_step_sent_at_once_brings_the_review(personas, client: Client) -> None:
    """The site's script sends the three steps with the last "Next", saying how far she got."""
    start = client.post("/step/1/", {"start": "1", "js": "1"}).content.decode()
    assert all(f'data-step-part="{number}"' in start for number in (1, 2, 3))
    merged = {key: value for data in STEP_DATA for key, value in data.items()}
    response = client.post("/step/1/", {**merged, "next": "3", "js": "1"})
    assert response.status_code == 200 and "token" in response.context
    assert "Noor (example)" in response.content.decode()


def test_a_wrong_step_among_those_sent_at_once_is_shown_with_what_came_after(personas, client: Client) -> None:
    client.post("/step/1/", {"start": "1", "js": "1"})
    merged = {key: value for data in STEP_DATA for key, value in data.items()}
    response = client.post("/step/1/", {**merged, "perpetrator_phones": "not a number", "next": "3", "js": "1"})
    assert response.status_code == 400
    parts = [part.step for part in response.context["parts"]]
    assert parts == [2, 3] and response.context["parts"][0].form.errors
    # What she typed on the step after is kept and shown, and only there.
    page = response.content.decode()
    assert page.count('value="Noor (example)"') == 1
    # Without the script, a redirect leads to the wrong step.
    response = client.post("/step/1/", {**merged, "perpetrator_phones": "not a number", "next": "3"})
    assert response.status_code == 302 and response["Location"] == "/step/2/"


def test_a_step_sent_says_at_most_the_last_step(personas, client: Client) -> None:
    client.post("/step/1/", {"start": "1", "js": "1"})
    merged = {key: value for data in STEP_DATA for key, value in data.items()}
    response = client.post("/step/1/", {**merged, "next": "9", "js": "1"})
    assert response.status_code == 200 and "token" in response.context
