"""The weight of every page of the survivor site with what it loads, compressed: the 20 KB budget.

A survivor may be on a slow connection with a cheap phone, so each page, with everything it loads
on a first visit (no cache), must stay within 20 KB compressed. ``walk`` goes through the whole
site as she would (information, every step of the report, the code shown once, the code form, a
wrong code, her follow-up page, her second code, the page under the second code, deleting, quick
exit, a page that does not exist) and weighs each page. The test suite asserts the budget over it;
``make bench`` prints the table.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.test import Client

BUDGET = 20 * 1024
ASSET = re.compile(r'<(?:link[^>]*href|script[^>]*src|img[^>]*src)="(/[^"]+)"')


@dataclass(frozen=True)
class PageWeight:
    name: str
    view: str  # the URL name the page answered from, so that the test can tell every page was walked
    html: int
    assets: int
    requests: int

    @property
    def total(self) -> int:
        return self.html + self.assets

    @property
    def within(self) -> bool:
        return self.total <= BUDGET


def gzip_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def weigh(client: Client, name: str, response: Any) -> PageWeight:
    """The page's HTML and every stylesheet, script and image it loads, each gzip-compressed."""
    html = _body(response)
    assets = ASSET.findall(html.decode())
    asset_bytes = sum(gzip_size(_body(client.get(url, secure=True))) for url in assets)
    view = "not_found" if response.status_code == 404 else response.resolver_match.view_name
    return PageWeight(name=name, view=view, html=gzip_size(html), assets=asset_bytes, requests=1 + len(assets))


def walk(language: str = "ar") -> list[PageWeight]:
    """Every page of the survivor site, through a whole report and follow-up, in one language.

    Needs a database with an organisation that receives reports (and hotlines, for a real page).
    """
    from amana.channel.tests.conftest import CODE_PATTERN, STEP_DATA

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages: list[PageWeight] = []

    def get(name: str, url: str, **kwargs: Any) -> Any:
        kwargs.setdefault("follow", True)
        response = client.get(url, secure=True, **kwargs)
        pages.append(weigh(client, name, response))
        return response

    get("information", "/")
    client.post("/step/1/", {"start": "1"}, secure=True)
    for number, data in enumerate(STEP_DATA, start=1):
        get(f"step {number}", f"/step/{number}/")
        client.post(f"/step/{number}/", {**data, "next": "1"}, secure=True)
    last = get("check and send", "/step/last/")
    client.post("/step/last/", {"token": last.context["token"], "send": "1"}, secure=True)
    done = get("code shown once", "/step/end/")
    code = CODE_PATTERN.search(done.content.decode())
    assert code is not None, "the receipt code was not shown"
    get("code form", "/continue/")
    wrong = client.post("/continue/", {"code": "0" * len(code.group(1))}, secure=True)
    pages.append(weigh(client, "a wrong code", wrong))
    client.post("/continue/", {"code": code.group(1)}, secure=True)
    get("follow-up page", "/continue/page/")
    get("second code form", "/continue/second/")
    second = client.post("/continue/second/", {"code": code.group(1), "action": "make"}, secure=True)
    pages.append(weigh(client, "her second code, shown once", second))
    duress = CODE_PATTERN.search(second.content.decode())
    get("deleting her report", "/continue/finish/")
    get("quick exit", "/leave/", follow=False)
    assert duress is not None, "the second code was not shown"
    client.post("/continue/", {"code": duress.group(1)}, secure=True)
    get("follow-up page under the second code", "/continue/page/")
    get("page not found", "/no-such-page/")
    _walk_the_neutral_first_screen(language, pages)
    return pages


def _walk_the_neutral_first_screen(language: str, pages: list[PageWeight]) -> None:
    """The neutral first screen an organisation may choose, and the page behind its one link."""
    from amana.accounts.models import FirstScreen
    from amana.channel.services import receiving_organisation

    organisation = receiving_organisation()
    chosen = organisation.first_screen
    organisation.first_screen = FirstScreen.NEUTRAL
    organisation.save(update_fields=["first_screen"])
    try:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        pages.append(weigh(client, "community information", client.get("/", secure=True)))
        client.post("/more/", secure=True)
        behind = client.get("/more/", secure=True)
        assert behind.status_code == 200, "the page behind the neutral screen's link was not shown"
        pages.append(weigh(client, "the page behind its link", behind))
    finally:
        organisation.first_screen = chosen
        organisation.save(update_fields=["first_screen"])


def table(pages: list[PageWeight]) -> str:
    lines = [f"{'page':<40}{'html gz':>9}{'assets gz':>11}{'total':>8}{'requests':>10}{'of 20 KB':>10}"]
    for page in pages:
        share = page.total / BUDGET
        lines.append(f"{page.name:<40}{page.html:>9}{page.assets:>11}{page.total:>8}{page.requests:>10}{share:>10.0%}")
    return "\n".join(lines)
