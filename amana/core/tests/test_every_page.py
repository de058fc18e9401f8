"""Every page without parameters, for every role and language: no server error, the right direction."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

DIRECTIONS = {"ar": "rtl", "ckb": "rtl", "en": "ltr"}
# Django's admin has its own templates (left to right, untranslated model pages); it is for system
# admins only and is covered by its own tests.
SKIPPED_PREFIXES = ("/staff/admin/",)


def plain_urls(patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "") -> Iterator[str]:
    """Every route that takes no parameter, as a path."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(pattern, URLResolver):
            yield from plain_urls(pattern.url_patterns, prefix + route)
        else:
            yield "/" + prefix + route


def test_the_walk_finds_the_pages() -> None:
    urls = set(plain_urls())
    assert {"/", "/staff/", "/staff/login/", "/staff/audit/", "/staff/account/"} <= urls


@pytest.mark.parametrize("language", ["ar", "ckb", "en"])
def test_no_page_fails_and_each_has_the_languages_direction(personas, login, language: str) -> None:
    clients = {"anonymous": Client()}
    clients.update({name: login(user) for name, user in personas.all().items() if name != "outsider"})
    urls = [url for url in sorted(set(plain_urls())) if not url.startswith(SKIPPED_PREFIXES)]
    for who, client in clients.items():
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, f"{url} as {who}: {response.status_code}"
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                html = response.content.decode()
                match = re.search(r"<html lang=\"([\w-]+)\" dir=\"(\w+)\">", html)
                assert match, f"{url} as {who} has no <html lang dir>"
                assert match.groups() == (language, DIRECTIONS[language]), f"{url} as {who}"
