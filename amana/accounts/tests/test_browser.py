"""Sign-in and authenticator enrolment in Debian's Chromium, in Arabic, at 320 px."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_caseworker_signs_in_and_enrols_in_arabic(personas, live_server, page) -> None:
    page.goto(f"{live_server.url}/staff/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_label("اسم المستخدم").fill("caseworker")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="متابعة").click()

    page.wait_for_url("**/staff/login/enrol/")
    assert page.locator(".qr svg").count() == 1
    device = TOTPDevice.objects.get(user=personas.caseworker, confirmed=False)
    page.get_by_label("الرمز المكوّن من ستة أرقام").fill(current_code(device))
    page.get_by_role("button", name="تأكيد").click()

    page.wait_for_url("**/staff/")
    assert "تم إعداد تطبيق المصادقة" in page.content()
    # The page is usable at 320 px: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_an_enrolled_user_needs_the_code_and_a_wrong_one_is_explained(personas, live_server, page) -> None:
    device = TOTPDevice.objects.create(user=personas.supervisor, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/staff/")
    page.wait_for_url("**/staff/login/**")
    page.get_by_label("اسم المستخدم").fill("supervisor")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="متابعة").click()
    page.wait_for_url("**/staff/login/code/**")
    page.get_by_label("الرمز المكوّن من ستة أرقام").fill("12")
    page.get_by_role("button", name="دخول").click()
    assert "ستة أرقام" in page.content()
    page.get_by_label("الرمز المكوّن من ستة أرقام").fill(current_code(device))
    page.get_by_role("button", name="دخول").click()
    page.wait_for_url("**/staff/")
    assert page.locator("h1").inner_text().startswith("أهلاً")
