"""The first screen the receiving NGO chose: today's page by default, or community information whose
one plain link leads, inside this visit only, to today's page; in Arabic, English and Kurdish."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from amana.accounts.models import FirstScreen

pytestmark = pytest.mark.django_db
LANGUAGES = ("ar", "en", "ckb")
# What today's page says first; the neutral page says none of it, in any language.
EXPLICIT = (
    "Who to turn to?",
    "If someone threatens to publish your pictures or private messages unless you pay, send more pictures or do "
    "what they ask, you are not alone and it is not your fault. This is called digital extortion, and it is a crime.",
    "Ask for help",
    "I have a code",
)
REVEALING = re.compile(r"extortion|report|ابتزاز|بلاغ", re.IGNORECASE)


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def _client(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def choose_neutral(organisation) -> None:
    organisation.first_screen = FirstScreen.NEUTRAL
    organisation.save(update_fields=["first_screen"])


def test_by_default_the_home_page_is_todays_page(personas, client: Client) -> None:
    page = client.get("/").content.decode()
    assert _in("ar", "Who to turn to?") in page and _in("ar", "Ask for help") in page
    assert _in("ar", "To talk to someone in confidence") not in page
    # And the page behind the neutral link is the home page.
    assert client.get("/more/")["Location"] == "/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_neutral_page_says_nothing_of_extortion_and_offers_one_plain_link(personas, language) -> None:
    choose_neutral(personas.ngo)
    client = _client(language)
    response = client.get("/")
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert f"<h1>{_in(language, 'Community information')}</h1>" in page
    for sentence in EXPLICIT:
        assert _in(language, sentence) not in page, sentence
    main = page.split("<main", 1)[1]
    assert not REVEALING.search(main)
    # One way to ask for help: a single plain link (a form, so the page behind it is this visit's).
    assert main.count("<form") == 1 and main.count('action="/more/"') == 1
    assert f'class="plain-link">{_in(language, "To talk to someone in confidence")}</button>' in main
    assert "data-quick-exit" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_link_opens_todays_page_for_this_visit(personas, language) -> None:
    choose_neutral(personas.ngo)
    client = _client(language)
    client.get("/")
    response = client.post("/more/")
    assert response.status_code == 302 and response["Location"] == "/more/"
    page = client.get("/more/").content.decode()
    for sentence in EXPLICIT:
        assert _in(language, sentence) in page, sentence
    # The lines for her area are looked up on the same page.
    assert 'action="/more/#lines"' in page
    assert client.get("/more/", {"area": "qayyarah"}).status_code == 200


def test_the_page_behind_the_link_is_not_shown_outside_the_visit(personas, settings) -> None:
    choose_neutral(personas.ngo)
    settings.AMANA_QUICK_EXIT_URL = "https://weather.example/"
    # Reached without the link (typed, an old tab): the neutral home page.
    assert Client().get("/more/")["Location"] == "/"
    client = Client()
    client.post("/more/")
    assert client.get("/more/").status_code == 200
    # After quick exit, Back finds the neutral home page again.
    client.get("/leave/")
    assert client.get("/more/")["Location"] == "/"
    assert _in("ar", "Community information") in client.get("/").content.decode()


def test_the_visit_behind_the_link_ends_when_idle(personas, settings) -> None:
    import time

    choose_neutral(personas.ngo)
    client = Client()
    client.post("/more/")
    assert client.get("/more/").status_code == 200
    session = client.session
    session["amana_seen"] = int(time.time()) - settings.AMANA_SURVIVOR_IDLE_SECONDS - 5
    session.save()
    assert client.get("/more/")["Location"] == "/"


def test_the_neutral_page_leaves_no_persistent_cookie(personas) -> None:
    choose_neutral(personas.ngo)
    client = Client()
    for response in (client.get("/"), client.post("/more/"), client.get("/more/")):
        for morsel in response.cookies.values():
            assert not morsel["expires"] and not morsel["max-age"], morsel.output()
