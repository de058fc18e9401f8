"""What the public pages say and how they travel: review before sending, when to expect a reply,
the language she chose (Arabic otherwise), compressed pages and long-lived static files."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

from .conftest import STEP_DATA, answer_steps

pytestmark = pytest.mark.django_db


def test_the_review_shows_her_answers_with_a_way_to_change_each(personas, client: Client) -> None:
    answer_steps(client)
    page = client.get("/step/last/").content.decode()
    for answer in (
        "واتساب",
        "He says he will send the photos to my brother (example).",
        "0770 000 0000",
        "Noor (example)",
    ):
        assert answer in page, answer
    for number in range(1, len(STEP_DATA) + 1):
        assert f'href="/step/{number}/"' in page
    # A change made from the review is kept and shown there.
    client.post("/step/2/", {**STEP_DATA[1], "platform": "telegram", "next": "1", "js": "1"})
    assert "تيليغرام" in client.get("/step/last/").content.decode()


def test_the_receipt_says_when_a_reply_can_be_expected(personas, client: Client) -> None:
    personas.ngo.reply_within_days = 2
    personas.ngo.save(update_fields=["reply_within_days"])
    token = answer_steps(client)
    receipt = client.post("/step/last/", {"token": token, "send": "1", "js": "1"}).content.decode()
    assert "خلال يومين" in receipt
    assert 'action="/continue/end/"' in receipt


def test_the_site_is_in_arabic_unless_she_chooses_another_language(personas) -> None:
    phone_in_english = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = phone_in_english.get("/").content.decode()
    assert 'lang="ar"' in page and "إلى من ألجأ؟" in page
    # Three plain links at the top of every page, before the content.
    for code in ("ar", "ckb", "en"):
        assert f'href="/language/{code}/?next=/"' in page
    assert page.index('href="/language/en/') < page.index("<main")
    response = phone_in_english.get("/language/en/?next=/continue/")
    assert response["Location"] == "/continue/"
    assert 'lang="en"' in phone_in_english.get("/continue/").content.decode()
    # Only addresses of this site are followed.
    assert phone_in_english.get("/language/ar/?next=https://elsewhere.example/")["Location"] == "/"
    assert phone_in_english.get("/language/xx/").status_code == 404


def test_pages_are_compressed_and_static_files_kept_by_the_browser(personas, client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "إلى من ألجأ؟" in gzip.decompress(response.content).decode()
    page = client.get("/continue/").content.decode()
    stylesheet = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert "?v=" in stylesheet
    static = client.get(stylesheet)
    assert "max-age=31536000" in static["Cache-Control"]
