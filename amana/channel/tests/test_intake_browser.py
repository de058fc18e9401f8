"""A peace-team member records a report in Debian's Chromium, in Arabic on a 360 px phone: one step a
page, each fitting the screen with targets a finger can hit, left part-way and continued."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from amana.cases.models import Case, Channel
from amana.channel.models import IntakeDraft
from amana.community.tests.conftest import sign_in
from amana.core.tests.test_phone_width import MEASURE

from .conftest import CODE_PATTERN, STEP_DATA, fill_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360


def _fits_a_phone(page: Any) -> None:
    found = page.evaluate(MEASURE)
    assert found["overflow"] <= 0, (page.url, found["overflow"])
    assert found["small"] == [], (page.url, found["small"])


def test_a_peace_team_member_records_a_report_step_by_step_on_a_phone(personas, live_server, browser) -> None:
    base = live_server.url
    context = browser.new_context(locale="ar", viewport={"width": WIDTH, "height": 740})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": base}])
    page = context.new_page()
    sign_in(page, base, personas.cpt_member)

    page.goto(f"{base}/staff/intake/")
    _fits_a_phone(page)
    page.get_by_role("button", name="بدء بلاغ جديد").click()

    # The first step, then "save and finish later": the draft waits, sealed, on the intake page.
    assert "الخطوة 1 من" in page.locator("main").inner_text()
    _fits_a_phone(page)
    fill_step(page, STEP_DATA[0])
    page.get_by_role("button", name="حفظ ومتابعة").click()
    fill_step(page, STEP_DATA[1])
    page.get_by_role("button", name="حفظ وإكمال لاحقًا").click()
    page.wait_for_url(f"{base}/staff/intake/")
    assert "حُفظت المسودة مشفّرة" in page.content()
    assert "بلاغاتك غير المكتملة" in page.content()
    _fits_a_phone(page)
    assert STEP_DATA[1]["narrative"] not in page.content()  # the list names no content

    # Continued: what was typed comes back, and each remaining step fits the phone.
    page.get_by_role("link", name="متابعة", exact=True).click()
    page.get_by_role("button", name="حفظ ومتابعة").click()
    assert page.locator('textarea[name="narrative"]').input_value() == STEP_DATA[1]["narrative"]
    for number, answers in enumerate(STEP_DATA[1:], start=2):
        assert f"الخطوة {number} من" in page.locator("main").inner_text()
        fill_step(page, answers)
        _fits_a_phone(page)
        page.get_by_role("button", name="حفظ ومتابعة").click()

    # The page to check and record: her answers, then the report is sealed to the team.
    assert "المراجعة والتسجيل" in page.content()
    assert STEP_DATA[1]["narrative"] in page.content()
    _fits_a_phone(page)
    page.get_by_role("button", name="تسجيل البلاغ").click()
    assert "سُجّل البلاغ" in page.content()
    assert CODE_PATTERN.search(page.locator("main").inner_text())
    case = Case.objects.get()
    assert case.channel == Channel.PEACE_TEAM and case.recorded_by == personas.cpt_member
    assert not IntakeDraft.objects.exists()
    context.close()
