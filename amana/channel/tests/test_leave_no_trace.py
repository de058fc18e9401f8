from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from amana.accounts.models import Role
from amana.channel.services import format_code
from amana.core.assets import SCRIPT, inlined

from .conftest import STEP_DATA, make_case, report_through_site

pytestmark = pytest.mark.django_db
SURVIVOR_PAGES = ["/", "/continue/", "/continue/second/"]
REVEALING = re.compile(r"report|extortion|case|code|بلاغ|ابتزاز", re.IGNORECASE)


def _cookies_are_not_persistent(response) -> None:
    for morsel in response.cookies.values():
        assert not morsel["expires"] and not morsel["max-age"], morsel.output()


def test_survivor_pages_are_never_cached_and_leave_no_persistent_cookie(personas, client: Client) -> None:
    for url in SURVIVOR_PAGES:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        _cookies_are_not_persistent(response)
    client.post("/step/1/", {"start": "1", "js": "1"})
    for number, data in enumerate(STEP_DATA, start=1):
        response = client.post(f"/step/{number}/", {**data, "next": "1", "js": "1"})
        assert "no-store" in response["Cache-Control"]
        _cookies_are_not_persistent(response)
    response = client.get("/language/en/?next=/")
    assert response["Location"] == "/"
    _cookies_are_not_persistent(response)


def test_titles_and_addresses_are_neutral(personas, client: Client) -> None:
    urls = [*SURVIVOR_PAGES, "/step/2/", "/step/last/", "/step/end/", "/continue/page/", "/continue/end/"]
    for url in urls:
        assert not REVEALING.search(url)
    client.post("/step/1/", {"start": "1", "js": "1"})
    for number, data in enumerate(STEP_DATA, start=1):
        client.post(f"/step/{number}/", {**data, "next": "1", "js": "1"})
    for url in [*SURVIVOR_PAGES, "/step/3/", "/step/last/"]:
        title = re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S).group(1)
        assert title.strip() == "معلومات مجتمعية"


def test_sensitive_fields_ask_the_browser_not_to_remember(personas, client: Client) -> None:
    pages = []
    client.post("/step/1/", {"start": "1", "js": "1"})
    for number, data in enumerate(STEP_DATA, start=1):
        pages.append(client.get(f"/step/{number}/").content.decode())
        client.post(f"/step/{number}/", {**data, "next": "1", "js": "1"})
    pages.append(client.get("/continue/").content.decode())
    for page in pages:
        for field in re.findall(r"<(?:input|textarea)[^>]*>", page):
            if 'type="hidden"' in field or 'type="radio"' in field or 'type="checkbox"' in field:
                continue
            assert 'autocomplete="off"' in field, field


def test_no_address_is_stored_anywhere_after_a_report_and_a_follow_up(personas) -> None:
    client = Client(REMOTE_ADDR="203.0.113.201")
    code = report_through_site(client)
    client.post("/continue/", {"code": "0000 0000 0000 0000 0000"})
    client.post("/continue/", {"code": code})
    client.post("/continue/write/", {"body": "hello (example)"})
    for model in apps.get_models():
        text_fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.CharField | models.TextField)]
        for row in model.objects.values(*text_fields) if text_fields else []:
            for value in row.values():
                assert "203.0.113.201" not in str(value or ""), model


def test_quick_exit_ends_the_visit_and_clears_the_site(personas, client: Client, settings) -> None:
    settings.AMANA_QUICK_EXIT_URL = "https://weather.example/"
    client.post("/step/1/", {"start": "1", "js": "1"})
    client.post("/step/1/", {**STEP_DATA[0], "next": "1", "js": "1"})
    page = client.get("/step/2/").content.decode()
    assert 'href="/leave/"' in page and "خروج سريع" in page
    response = client.get("/leave/")
    assert response.status_code == 302 and response["Location"] == "https://weather.example/"
    assert "cookies" in response["Clear-Site-Data"] and "cache" in response["Clear-Site-Data"]
    # Nothing of her visit is left: a step, the review and the receipt show the neutral home page.
    for url in ["/step/1/", "/step/2/", "/step/last/", "/step/end/"]:
        assert client.get(url)["Location"] == "/", url


def test_quick_exit_also_ends_a_follow_up_visit(personas, client: Client) -> None:
    _case, code = make_case(personas.ngo)
    client.post("/continue/", {"code": format_code(code)})
    client.get("/leave/")
    assert client.get("/continue/page/")["Location"] == "/"


def test_every_public_page_has_the_quick_exit_but_signed_in_staff_pages_do_not(personas, client: Client, login) -> None:
    for url in [*SURVIVOR_PAGES, "/no/such/page/", "/staff/login/"]:
        assert "data-quick-exit" in client.get(url).content.decode(), url
    staff = login(personas.caseworker)
    assert "data-quick-exit" not in staff.get("/staff/").content.decode()
    assert personas.caseworker.has_role(Role.CASEWORKER)


def test_the_escape_script_is_our_own_small_file(client: Client, personas) -> None:
    for url in ["/", "/continue/"]:
        page = client.get(url).content.decode()
        scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
        # The home page carries the file's own text (amana.core.assets), every other page links it.
        inline = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
        if url == "/":
            assert scripts == [] and inline == [inlined(SCRIPT).text]
        else:
            assert [script.split("?")[0] for script in scripts] == ["/static/amana/exit.js"] and inline == []
        external = [url for url in re.findall(r'(?:src|href|action)="([^"]+)"', page) if "//" in url]
        assert external == []


def test_an_abandoned_visit_is_deleted_from_the_session_store(personas, client: Client, settings) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from amana.vault.models import SealedSession

    client.post("/step/1/", {"start": "1", "js": "1"})
    client.post("/step/1/", {**STEP_DATA[0], "next": "1", "js": "1"})
    client.post("/step/2/", {**STEP_DATA[1], "next": "1", "js": "1"})
    stored = SealedSession.objects.get()
    # Her visit expires after the idle limit, far sooner than a staff session.
    assert stored.expire_date <= timezone.now() + timedelta(seconds=settings.AMANA_SURVIVOR_IDLE_SECONDS + 5)
    call_command("forget_idle_visits", stdout=None)
    assert SealedSession.objects.count() == 1  # still fresh
    SealedSession.objects.update(expire_date=timezone.now() - timedelta(seconds=1))  # the idle time passes
    call_command("forget_idle_visits")
    assert SealedSession.objects.count() == 0
    assert client.get("/step/3/")["Location"] == "/"
