from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from conftest import PASSWORD

DIRECTIONS = {"ar": "rtl", "ckb": "rtl", "en": "ltr"}
TITLES = {"ar": "دخول الموظفين", "ckb": "چوونەژوورەوەی ستاف", "en": "Staff sign-in"}


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", ["ar", "ckb", "en"])
def test_every_page_renders_in_each_language_with_its_direction(personas, login, language: str) -> None:
    public = in_language(Client(), language)
    half = in_language(Client(), language)
    half.post("/staff/login/", {"username": "caseworker", "password": PASSWORD})
    staff = in_language(login(personas.system_admin), language)
    pages = [
        (public, "/staff/login/", 200),
        (public, "/no/such/page/", 404),
        (half, "/staff/login/enrol/", 200),
        (staff, "/staff/", 200),
        (staff, "/staff/account/", 200),
        (staff, "/staff/audit/", 200),
        (in_language(login(personas.me_officer), language), "/staff/audit/", 403),
    ]
    for client, url, status in pages:
        response = client.get(url)
        assert response.status_code == status, url
        assert f'<html lang="{language}" dir="{DIRECTIONS[language]}">' in response.content.decode(), url
    assert TITLES[language] in public.get("/staff/login/").content.decode()


@pytest.mark.django_db
def test_the_language_switcher_works_without_javascript(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/staff/login/"})
    assert response["Location"] == "/staff/login/"
    assert '<html lang="en" dir="ltr">' in client.get("/staff/login/").content.decode()
    # The language cookie lives only as long as the browser session.
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == ""


@pytest.mark.django_db
def test_arabic_is_the_default_even_for_an_english_browser(client: Client) -> None:
    response = client.get("/staff/login/", headers={"accept-language": "fr"})
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
