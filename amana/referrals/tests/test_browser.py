"""The main referral screens in Chromium, in Arabic on a narrow phone: a caseworker refers, the police
liaison accepts and records what was done."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from amana.referrals.models import Referral, Status
from conftest import signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _browser_page(browser: Any, live_server: Any, user: Any) -> Any:
    """A page signed in as the user: the cookies of a real sign-in through the login views."""
    client: Client = signed_in_client(user)
    context = browser.new_context(locale="ar", viewport={"width": 320, "height": 720})
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "domain": host, "path": morsel["path"] or "/"}
            for name, morsel in client.cookies.items()
        ]
    )
    return context.new_page()


def test_a_caseworker_refers_and_the_liaison_accepts_and_records_an_action(
    browser: Any,
    live_server: Any,
    personas: Any,
    case: Any,
    directory: Any,
) -> None:
    page = _browser_page(browser, live_server, personas.caseworker)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    page.get_by_role("link", name="إحالة هذه الحالة").click()
    page.get_by_label("التنسيق دون كشف الهوية").check()
    page.get_by_label("الجهة أو الخدمة المستلمة").select_option(str(directory["police"].pk))
    page.get_by_label("الحادثة").check()
    page.get_by_label("الأدلة").check()
    page.get_by_label("الغرض من الإحالة").fill("تحديد الحساب المبتز (مثال).")
    page.get_by_label("عبر الموقع").check()
    page.get_by_role("button", name="إرسال الإحالة").click()
    page.wait_for_url("**/staff/referrals/R-*/")
    assert "أُرسلت الإحالة" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    referral = Referral.objects.get()
    page.context.close()

    page = _browser_page(browser, live_server, personas.liaison)
    page.goto(f"{live_server.url}/staff/referrals/received/")
    page.get_by_role("link", name=referral.reference).click()
    assert "He says he will send the photos" in page.content() and "Noor (example)" not in page.content()
    page.get_by_role("button", name="قبول الإحالة").click()
    page.get_by_label("ما الذي تم").select_option("warned")
    page.get_by_label("التفاصيل").fill("تم تحذير المبتز (مثال).")
    page.get_by_role("button", name="تسجيل", exact=True).click()
    assert "تم تسجيل ما قمت به" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.actions.get().kind == "warned"
