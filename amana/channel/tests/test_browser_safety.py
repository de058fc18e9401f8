"""Her safety in Debian's Chromium at 320 px, with JavaScript on and off: the second code's page
cannot be told from a real one, quick exit is always in reach, Back shows nothing, a visit ends."""

from __future__ import annotations

import re
from typing import Any

import pytest

from amana.cases import services as case_services
from amana.cases.models import CaseMessage, Sender
from amana.channel import services
from amana.retention.models import DeletionRequest

from .conftest import STEP_DATA, ask_for_help, fill_step, make_case, shown_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Day-first dates and 24-hour times as the conversation shows them.
WHEN = re.compile(r"\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}")


def _open_with(context: Any, base: str, code: str) -> Any:
    page = context.new_page()
    page.goto(f"{base}/continue/")
    page.get_by_label("رمز المتابعة").fill(services.format_code(code))
    page.get_by_role("button", name="متابعة").click()
    page.wait_for_url(f"{base}/continue/page/")
    return page


def _text(page: Any) -> str:
    """Everything the page says, with the time of each message left out."""
    return WHEN.sub("(time)", page.locator("body").inner_text())


def _second_code(code: str) -> str:
    duress = services.new_duress_code()
    services.set_duress_code(access=services.find_by_code(code).access, duress=duress)
    return duress.code


def test_the_second_code_shows_what_a_new_case_without_reply_shows(personas, live_server, browser, context) -> None:
    theirs, code = make_case(personas.ngo, consents=[])
    case_services.add_message(case=theirs, body="رسالة خاصة (مثال)", sender=Sender.STAFF, author=personas.caseworker)
    duress_code = _second_code(code)
    _new, new_code = make_case(personas.ngo, consents=[])
    # Someone holding the phone makes her open it; elsewhere, a real new case with no reply.
    forced = _open_with(context, live_server.url, duress_code)
    real = _open_with(
        browser.new_context(locale="ar", viewport={"width": 320, "height": 640}), live_server.url, new_code
    )
    assert "رسالة خاصة (مثال)" not in forced.content()
    assert _text(forced) == _text(real)
    for word in ("رمز الطوارئ", "رمز ثانٍ", "second"):
        assert word not in forced.content()

    # She is made to write: the same notice, her message in the thread, and it reaches her
    # caseworker marked as sent under the second code.
    for page in (forced, real):
        page.get_by_label("الرسالة").fill("أنا بخير، لا تتصلوا (مثال)")
        page.get_by_role("button", name="إرسال الرسالة").click()
        page.wait_for_url(f"{live_server.url}/continue/page/")
    assert "أُرسلت رسالتك" in forced.content() and "أنا بخير، لا تتصلوا (مثال)" in forced.content()
    assert _text(forced) == _text(real)
    assert CaseMessage.objects.get(case=theirs, sender=Sender.SURVIVOR).under_duress

    # And to change her choices: the same notice and the same boxes ticked.
    for page in (forced, real):
        page.get_by_label("يمكن للمنظمة أن تعطي اسمي ووسيلة التواصل معي لخدمة دعم.").check()
        page.get_by_role("button", name="حفظ اختياراتي").click()
        page.wait_for_url(f"{live_server.url}/continue/page/")
    assert _text(forced) == _text(real)
    checked = 'input[name="consents"]:checked'
    assert forced.locator(checked).count() == real.locator(checked).count() == 1
    assert not theirs.consents.filter(given=True, audience="services").exists()

    # And to ask for her report to be deleted: the same notice, then the same "already asked" page.
    for page in (forced, real):
        page.get_by_role("link", name="طلب حذف بلاغي").click()
        page.get_by_role("button", name="نعم، أطلب حذف بلاغي").click()
        page.wait_for_url(f"{live_server.url}/continue/page/")
    assert _text(forced) == _text(real)
    for page in (forced, real):
        page.get_by_role("link", name="طلب حذف بلاغي").click()
        page.wait_for_url(f"{live_server.url}/continue/finish/")
    assert "طلبتِ" in _text(real)
    assert _text(forced) == _text(real)
    assert not DeletionRequest.objects.filter(case=theirs).exists()
    real.context.close()


def _quick_exit_in_reach(page: Any) -> None:
    box = page.locator(".quick-exit").bounding_box()
    height = page.evaluate("window.innerHeight")
    assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box


def _scroll_to_bottom(page: Any) -> None:
    page.keyboard.press("End")
    page.mouse.wheel(0, 100_000)
    # Polled from here: wait_for_function evaluates a string inside the page, which the site's
    # Content-Security-Policy (no 'unsafe-eval') refuses whenever the first check comes too early.
    for _ in range(50):
        if page.evaluate("window.scrollY") > 0:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page did not scroll to its bottom")


def test_quick_exit_stays_in_reach_at_the_bottom_of_long_pages(
    personas, hotlines, live_server, context, neutral_url
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/")  # the longest page
    assert page.evaluate("document.documentElement.scrollHeight") > 1500
    _scroll_to_bottom(page)
    _quick_exit_in_reach(page)
    ask_for_help(page)
    shown_step(page).get_by_label("لنفسي", exact=True).check()
    shown_step(page).locator('input[name="danger_now"][value="yes"]').check()
    shown_step(page).locator('input[name="self_harm"][value="no"]').check()
    shown_step(page).get_by_label("أين تسكنين؟").select_option("qayyarah")
    shown_step(page).get_by_label("من 18 إلى 24 سنة").check()
    # In danger: the emergency lines show under the first step, with a button that sends it at once.
    page.get_by_role("button", name="أرسلي هذه الخطوة الآن").click()
    _scroll_to_bottom(page)
    _quick_exit_in_reach(page)
    page.get_by_role("link", name="خروج سريع").click()
    page.wait_for_url(neutral_url)


def test_back_after_quick_exit_shows_the_neutral_home_page(personas, live_server, context, neutral_url) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    ask_for_help(page)
    shown_step(page).get_by_label("لنفسي", exact=True).check()
    shown_step(page).locator('input[name="danger_now"][value="yes"]').check()
    shown_step(page).locator('input[name="self_harm"][value="yes"]').check()
    shown_step(page).get_by_label("أين تسكنين؟").select_option("qayyarah")
    shown_step(page).get_by_label("من 18 إلى 24 سنة").check()
    # In danger: the emergency lines show under the first step, with a button that sends it at once.
    page.get_by_role("button", name="أرسلي هذه الخطوة الآن").click()
    shown_step(page).get_by_label("واتساب").check()
    page.get_by_role("link", name="خروج سريع").click()
    page.wait_for_url(neutral_url)
    seen = back_to_the_start(page, live_server.url, "إلى من ألجأ؟")
    assert len(seen) >= 1


def back_to_the_start(page: Any, base: str, home_heading: str) -> list[str]:
    """Press Back to the start of the tab's history, checking that each page on the way is the
    neutral home page (never a step or what she answered); returns the addresses seen."""
    seen = []
    while True:
        page.go_back()
        if page.url == "about:blank":  # the start of this tab's history
            return seen
        seen.append(page.url)
        assert page.url == f"{base}/", seen
        # The home page carries the report's questions folded under "Ask for help": folded, empty,
        # and not among the words on screen.
        assert page.locator("form.steps:visible").count() == 0
        assert page.locator("form.steps input:checked").count() == 0
        assert "أين تسكنين؟" not in page.locator("body").inner_text()
        assert page.locator("h1:visible").inner_text() == home_heading


def test_end_this_visit_then_a_new_tab_shows_no_message(personas, live_server, context) -> None:
    case, code = make_case(personas.ngo)
    case_services.add_message(
        case=case, body="موعدنا يوم الأحد (مثال)", sender=Sender.STAFF, author=personas.caseworker
    )
    page = _open_with(context, live_server.url, code)
    assert "موعدنا يوم الأحد (مثال)" in page.content()
    page.get_by_role("button", name="إنهاء هذه الزيارة").click()
    page.wait_for_url(f"{live_server.url}/")
    tab = context.new_page()
    tab.goto(f"{live_server.url}/continue/page/")
    assert tab.url == f"{live_server.url}/"
    assert "موعدنا يوم الأحد (مثال)" not in tab.content()
    page.go_back()
    assert "موعدنا يوم الأحد (مثال)" not in page.content()


def test_every_tap_target_on_public_pages_is_at_least_44_px(personas, hotlines, live_server, context) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    ask_for_help(page)
    _check_targets(page)
    for _number, data in enumerate(STEP_DATA[:2], start=1):
        fill_step(page, data)
        page.get_by_role("button", name="التالي").click()
        _check_targets(page)
    for url in ["/", "/continue/", "/continue/second/"]:
        page.goto(f"{live_server.url}{url}")
        _check_targets(page)
    _case, code = make_case(personas.ngo)
    _check_targets(_open_with(context, live_server.url, code))


def _check_targets(page: Any) -> None:
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll(
             'a:not(.skip-link), button, summary, select, input:not([type=hidden]), textarea'))
           .map((element) => {
             const target = element.closest('label') || element;
             const box = target.getBoundingClientRect();
             return {what: element.outerHTML.slice(0, 80), height: box.height, width: box.width};
           })
           .filter((item) => item.width > 0 && item.height < 44)"""
    )
    assert small == [], small
