"""The neutral first screen in Debian's Chromium at 320 px, with JavaScript on and off: quick exit in
reach at every scroll position and leading to the neutral site, Back showing the neutral home, and
nothing left in history, storage or cookies beyond what today's page leaves; in all three languages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from amana.accounts.models import FirstScreen
from conftest import CHROMIUM, CHROMIUM_ARGS

from .conftest import ask_for_help, shown_step
from .test_browser import history_of
from .test_browser_safety import _quick_exit_in_reach, _scroll_to_bottom, back_to_the_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "معلومات مجتمعية"
LINK = "للتحدث إلى شخص بسرّية"


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.fixture
def neutral(personas: Any) -> None:
    personas.ngo.first_screen = FirstScreen.NEUTRAL
    personas.ngo.save(update_fields=["first_screen"])


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def javascript(request: Any) -> bool:
    return bool(request.param)


@pytest.fixture
def context(browser: Any, javascript: bool) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=javascript, locale="ar", viewport={"width": 320, "height": 640})
    yield context
    context.close()


def _follow_the_link(page: Any) -> None:
    page.get_by_role("button", name=LINK).click()
    page.wait_for_url("**/more/")
    assert page.locator("h1").inner_text() == "إلى من ألجأ؟"


def test_quick_exit_stays_in_reach_on_both_pages_and_leads_to_the_neutral_site(
    neutral, hotlines, live_server, context, neutral_url
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == TITLE
    _scroll_to_bottom(page)
    _quick_exit_in_reach(page)
    page.keyboard.press("Home")
    _follow_the_link(page)
    _scroll_to_bottom(page)
    _quick_exit_in_reach(page)
    page.get_by_role("link", name="خروج سريع").click()
    page.wait_for_url(neutral_url)
    assert page.title() == "Weather"


def test_back_after_quick_exit_shows_the_neutral_home_page(neutral, live_server, context, neutral_url) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    _follow_the_link(page)
    ask_for_help(page)
    shown_step(page).get_by_label("لنفسي", exact=True).check()
    shown_step(page).locator('input[name="danger_now"][value="no"]').check()
    shown_step(page).locator('input[name="self_harm"][value="no"]').check()
    shown_step(page).get_by_label("أين تسكنين؟").select_option("qayyarah")
    shown_step(page).get_by_label("من 18 إلى 24 سنة").check()
    page.get_by_role("button", name="التالي").click()
    shown_step(page).get_by_label("واتساب").check()
    page.get_by_role("link", name="خروج سريع").click()
    page.wait_for_url(neutral_url)
    # Never the page behind the link, a step or what she answered: the community page each time.
    assert len(back_to_the_start(page, live_server.url, TITLE)) >= 2


def _visit(context: Any, base: str, *, neutral_first: bool) -> Any:
    """Open the home page and, under the neutral first screen, follow its link; start a report."""
    page = context.new_page()
    page.goto(f"{base}/")
    if neutral_first:
        _follow_the_link(page)
    ask_for_help(page)
    shown_step(page).get_by_label("لنفسي", exact=True).check()
    return page


def _traces(context: Any, page: Any, javascript: bool) -> tuple[set[tuple[str, bool]], int]:
    """The site's cookies (name, kept after the browser closes) and how much it stored in the browser."""
    cookies = {(cookie["name"], cookie["expires"] != -1) for cookie in context.cookies()}
    stored = page.evaluate("localStorage.length + sessionStorage.length") if javascript else 0
    return cookies, stored


def test_the_neutral_page_leaves_what_todays_page_leaves(personas, live_server, browser, javascript) -> None:
    traces = {}
    for first_screen in (FirstScreen.EXPLICIT, FirstScreen.NEUTRAL):
        personas.ngo.first_screen = first_screen
        personas.ngo.save(update_fields=["first_screen"])
        context = browser.new_context(
            java_script_enabled=javascript, locale="ar", viewport={"width": 320, "height": 640}
        )
        try:
            page = _visit(context, live_server.url, neutral_first=first_screen == FirstScreen.NEUTRAL)
            traces[first_screen] = _traces(context, page, javascript)
        finally:
            context.close()
    cookies, stored = traces[FirstScreen.NEUTRAL]
    assert traces[FirstScreen.NEUTRAL] == traces[FirstScreen.EXPLICIT]
    assert stored == 0 and not any(kept for _name, kept in cookies)


def test_history_keeps_only_neutral_addresses_and_the_site_name(neutral, live_server, browser, tmp_path) -> None:
    profile = tmp_path / "profile"
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, locale="ar", viewport={"width": 320, "height": 640}
    )
    try:
        page = _visit(context, live_server.url, neutral_first=True)
        page.get_by_role("button", name="التالي").click()
    finally:
        context.close()
    for url, title in history_of(profile):
        path = url.removeprefix(live_server.url)
        assert path == "/" or path.startswith(("/more/", "/step/")), url
        assert title in ("", TITLE), title


@pytest.mark.parametrize("language", ["ar", "en", "ckb"])
def test_the_first_screen_shows_the_plain_link_and_nothing_of_extortion(
    neutral, live_server, browser, javascript, language
) -> None:
    context = browser.new_context(java_script_enabled=javascript, locale="ar", viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/language/{language}/?next=/")
        assert page.locator("h1").inner_text() == _in(language, "Community information")
        link = page.get_by_role("button", name=_in(language, "To talk to someone in confidence"))
        box = link.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 640 and box["height"] >= 44, box
        # One way to ask for help, and the first screen says nothing of why she might need it.
        assert page.locator("main form").count() == 1
        first_screen = page.locator("main").inner_text()
        for text in ("digital extortion", "Who to turn to?", "Ask for help", "I have a code"):
            assert _in(language, text) not in first_screen
        for word in ("extortion", "ابتزاز", "ئیبتزاز"):
            assert word not in first_screen.lower()
        _quick_exit_in_reach(page)
        link.click()
        page.wait_for_url("**/more/")
        assert page.locator("h1").inner_text() == _in(language, "Who to turn to?")
    finally:
        context.close()
