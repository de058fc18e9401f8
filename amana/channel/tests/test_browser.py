"""The survivor's pages in Debian's Chromium: Arabic, 320 px wide, with and without JavaScript."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest
from django.utils import translation

from amana.cases import services as case_services
from amana.cases.models import Case, CaseMessage, Sender
from amana.channel import services
from amana.channel.forms import WhatHappenedForm
from conftest import CHROMIUM, CHROMIUM_ARGS

from .conftest import STEP_DATA, ask_for_help, fill_step, make_case, shown_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REVEALING = re.compile(r"report|extortion|case|code|بلاغ|ابتزاز", re.IGNORECASE)


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def _next(page: Any) -> None:
    page.get_by_role("button", name="التالي").click()


def _next_shown(page: Any) -> None:
    """ "Next" on the step on screen. Without the script every step is on screen at once, and only
    the last one's "Next" (which sends them all) is there to press."""
    if shown_step(page).count() == 1:
        _next(page)


def step(page: Any, number: int) -> Any:
    return page.locator(f'[data-step-part="{number}"]')


def report_in_browser(page: Any, base: str, *, check_missing: bool = False) -> str:
    """Answer every step as she would and send; returns the code shown once (digits only)."""
    page.goto(f"{base}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _fits(page)
    ask_for_help(page)
    if check_missing:
        _next(page)
        assert "يرجى الإجابة عن هذا السؤال" in page.content()
    step(page, 1).get_by_label("لنفسي", exact=True).check()
    step(page, 1).locator('input[name="danger_now"][value="no"]').check()
    step(page, 1).locator('input[name="self_harm"][value="no"]').check()
    step(page, 1).get_by_label("أين تسكنين؟").select_option("qayyarah")
    step(page, 1).get_by_label("من 18 إلى 24 سنة").check()
    _fits(page)
    _next_shown(page)
    step(page, 2).get_by_label("واتساب").check()
    step(page, 2).get_by_label("المال").check()
    step(page, 2).locator('input[name="published"][value="no"]').check()
    step(page, 2).get_by_label("هذا الأسبوع").check()
    step(page, 2).get_by_label("أخبرينا بما حدث بكلماتك (اختياري)").fill("يهددني بنشر الصور (مثال)")
    step(page, 2).get_by_label("أرقام الهاتف التي يستخدمها (اختياري)").fill("0770 000 0000")
    _fits(page)
    _next_shown(page)
    step(page, 3).get_by_label("أن أتحدث مع شخص ما").check()
    step(page, 3).get_by_label("عبر هذا الموقع فقط").check()
    _fits(page)
    _next(page)
    _fits(page)
    page.get_by_role("button", name="إرسال", exact=True).click()
    code = page.locator(".receipt-code").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4} \d{4}", code)
    _fits(page)
    return code.replace(" ", "")


def test_a_complete_report_in_arabic_with_javascript(personas, live_server, page) -> None:
    code = report_in_browser(page, live_server.url, check_missing=True)
    case = Case.objects.get()
    assert case.organisation == personas.ngo and case.platform == "whatsapp"
    assert services.find_by_code(code).access.case == case
    # Reloading the last page does not show the code again.
    page.reload()
    assert code[:4] not in page.locator("main").inner_text()


def test_a_complete_report_with_javascript_off(personas, live_server, browser) -> None:
    context = browser.new_context(java_script_enabled=False, locale="ar", viewport={"width": 320, "height": 720})
    page = context.new_page()
    try:
        code = report_in_browser(page, live_server.url, check_missing=True)
        assert services.find_by_code(code) is not None
        assert Case.objects.count() == 1
    finally:
        context.close()


def test_without_the_script_the_home_page_holds_every_step_and_one_post_sends_them(
    personas, live_server, browser, neutral_url
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="ar", viewport={"width": 320, "height": 720})
    page = context.new_page()
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    try:
        code = report_in_browser(page, live_server.url)
        assert services.find_by_code(code) is not None
        # One POST for the three steps (answered with the review's address), one to send.
        assert posts == [f"{live_server.url}/step/1/", f"{live_server.url}/step/last/"]
        page.get_by_role("link", name="خروج سريع").click()
        page.wait_for_url(neutral_url)
        # Back: the receipt's and the review's addresses show the home page, and so does the home
        # page where she typed, its questions folded and empty (loaded again, it does not fill in
        # what she typed).
        for _entry in range(3):
            page.go_back()
            assert page.url == f"{live_server.url}/"
            assert not shown_step(page).count()
            assert page.locator("form.steps input:checked").count() == 0
            assert "يهددني" not in page.content()
    finally:
        context.close()


def test_without_the_script_danger_shows_the_emergency_lines_at_once(personas, hotlines, live_server, browser) -> None:
    context = browser.new_context(java_script_enabled=False, locale="ar", viewport={"width": 320, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        ask_for_help(page)
        panel = page.locator(".urgent-now")
        assert not panel.is_visible()
        page.locator('input[name="danger_now"][value="yes"]').check()
        assert panel.is_visible() and "Emergency line (example)" in panel.inner_text()
        # Her first step can go at once; what she typed further down is kept for later.
        page.locator('[name="narrative"]').fill("يهددني بنشر الصور (مثال)")
        fill_step(page, {**STEP_DATA[0], "danger_now": "yes"})
        page.get_by_role("button", name="أرسلي هذه الخطوة الآن").click()
        page.wait_for_url(f"{live_server.url}/step/2/")
        assert page.locator("section.emergency").is_visible()
        assert page.locator('[name="narrative"]').input_value() == "يهددني بنشر الصور (مثال)"
    finally:
        context.close()


def test_with_the_script_the_steps_come_on_one_page_and_are_sent_once(personas, live_server, page) -> None:
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.goto(f"{live_server.url}/")
    ask_for_help(page)
    fill_step(page, STEP_DATA[0])
    _next(page)
    with translation.override("ar"):
        assert shown_step(page).locator("h2").inner_text() == str(WhatHappenedForm.title)
    assert page.url == f"{live_server.url}/step/2/"
    # Back shows the step before as she left it, without asking the server.
    page.go_back()
    assert shown_step(page).locator('input[name="danger_now"][value="no"]').is_checked()
    assert page.url == f"{live_server.url}/"
    _next(page)
    fill_step(page, STEP_DATA[1])
    _next(page)
    fill_step(page, STEP_DATA[2])
    _next(page)
    assert "Noor (example)" in page.locator("main").inner_text()  # the review of her answers
    # The steps came with the home page: one POST for the three of them.
    assert posts == [f"{live_server.url}/step/1/"]


def test_with_the_script_danger_is_sent_at_once_and_the_emergency_lines_show(
    personas, hotlines, live_server, page
) -> None:
    page.goto(f"{live_server.url}/")
    ask_for_help(page)
    fill_step(page, {**STEP_DATA[0], "danger_now": "yes"})
    with page.expect_navigation():
        _next(page)
    panel = shown_step(page).locator("section.emergency")
    assert panel.is_visible() and "Emergency line (example)" in panel.inner_text()
    fill_step(page, STEP_DATA[1])
    _next(page)
    # On the step after, the lines stay in reach, folded above the questions.
    assert shown_step(page).locator("details.emergency").is_visible()
    assert not shown_step(page).locator("section.emergency").count()


def test_she_reads_a_message_and_replies(personas, live_server, page) -> None:
    case, code = make_case(personas.ngo)
    case_services.add_message(
        case=case, body="نحن هنا لمساعدتك (مثال)", sender=Sender.STAFF, author=personas.caseworker
    )
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="لديّ رمز").click()
    page.get_by_label("رمز المتابعة").fill(services.format_code(code))
    page.get_by_role("button", name="متابعة").click()
    assert "نحن هنا لمساعدتك (مثال)" in page.content()
    _fits(page)
    page.get_by_label("الرسالة").fill("شكراً، أنا بخير (مثال)")
    page.get_by_role("button", name="إرسال الرسالة").click()
    assert "أُرسلت رسالتك" in page.content()
    assert "شكراً، أنا بخير (مثال)" in page.content()
    assert CaseMessage.objects.filter(case=case, sender=Sender.SURVIVOR).count() == 1


# After the site's own script has seen the code form sent, the page keeps it from leaving, so
# that what the form shows while the code is checked can be read before it goes on.
HOLD_THE_PAGE = """() => document.querySelector("form[data-slow-form]").addEventListener(
  "submit", (event) => event.preventDefault())"""
WHILE_CHECKED = """() => new Promise((done) => setTimeout(() => {
  const button = document.querySelector("button[data-busy-text]");
  const status = button.form.querySelector("[role=status]");
  done({status: status.hidden ? null : status.textContent, disabled: button.disabled});
}, 50))"""


@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
def test_the_code_check_shows_that_it_is_working(personas, live_server, browser, script) -> None:
    _case, code = make_case(personas.ngo)
    context = browser.new_context(java_script_enabled=script, locale="ar", viewport={"width": 320, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/continue/")
        page.get_by_label("رمز المتابعة").fill(services.format_code(code))
        assert page.get_by_role("status").is_hidden()
        if script:
            page.evaluate(HOLD_THE_PAGE)
            page.get_by_role("button", name="متابعة").click()
            assert page.evaluate(WHILE_CHECKED) == {
                "status": "جارٍ التحقق من الرمز. يستغرق ذلك بضع ثوانٍ…",
                "disabled": True,
            }
            # Let go: the form goes on to her page.
            with page.expect_navigation():
                page.evaluate('() => document.querySelector("form[data-slow-form]").submit()')
        else:
            page.get_by_role("button", name="متابعة").click()
        page.wait_for_url(f"{live_server.url}/continue/page/")
        assert page.get_by_role("heading", name="رسائلك").is_visible()
    finally:
        context.close()


def test_quick_exit_by_button_and_by_escape(personas, live_server, page, neutral_url) -> None:
    page.goto(f"{live_server.url}/")
    ask_for_help(page)
    shown_step(page).get_by_label("لنفسي", exact=True).check()
    page.get_by_role("link", name="خروج سريع").click()
    page.wait_for_url(neutral_url)
    # The visit is over: her step is gone, and its address shows the neutral home page.
    page.goto(f"{live_server.url}/step/1/")
    assert page.url == f"{live_server.url}/"
    assert not page.get_by_label("لنفسي", exact=True).is_visible()
    assert not page.get_by_label("لنفسي", exact=True).is_checked()
    page.keyboard.press("Escape")
    page.wait_for_url(neutral_url)
    assert page.title() == "Weather"


def test_quick_exit_without_javascript(personas, live_server, browser, neutral_url) -> None:
    context = browser.new_context(java_script_enabled=False, locale="ar", viewport={"width": 320, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/continue/")
        page.get_by_role("link", name="خروج سريع").click()
        page.wait_for_url(neutral_url)
        assert page.title() == "Weather"
    finally:
        context.close()


def test_browser_history_reveals_nothing(personas, live_server, browser, tmp_path) -> None:
    profile = tmp_path / "profile"
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, locale="ar", viewport={"width": 320, "height": 720}
    )
    try:
        page = context.new_page()
        code = report_in_browser(page, live_server.url)
        case = Case.objects.get()
        case_services.add_message(case=case, body="رد (مثال)", sender=Sender.STAFF, author=personas.caseworker)
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="لديّ رمز").click()
        page.get_by_label("رمز المتابعة").fill(code)
        page.get_by_role("button", name="متابعة").click()
        assert "رد (مثال)" in page.content()
        page.get_by_label("الرسالة").fill("شكراً (مثال)")
        page.get_by_role("button", name="إرسال الرسالة").click()
    finally:
        context.close()
    rows = history_of(profile)
    for url, title in rows:
        assert not REVEALING.search(url), url
        assert not REVEALING.search(title or ""), title
        assert code not in url and code[:8] not in url
        assert title in ("", "معلومات مجتمعية"), title


def history_of(profile: Any) -> list[tuple[str, str]]:
    """The addresses and titles a browser profile's history kept (at least one)."""
    history = sqlite3.connect(profile / "Default" / "History")
    try:
        rows = history.execute("SELECT url, title FROM urls").fetchall()
    finally:
        history.close()
    assert rows, "the profile recorded no history at all"
    return rows
