"""In Chromium, in Arabic on an office screen: a caseworker records the consent she gave in person,
then refers her case to the same police by liaison and by accompaniment, both accepted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from amana.cases.models import ConsentRecord
from amana.cases.tests.conftest import assigned_case
from amana.referrals.models import Pathway, Referral, Status
from conftest import signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OFFICE_WIDTH = 1366


def _office_page(browser: Any, live_server: Any, user: Any) -> Any:
    """A page signed in as the user, on an office screen: the cookies of a real sign-in."""
    client: Client = signed_in_client(user)
    context = browser.new_context(locale="ar", viewport={"width": OFFICE_WIDTH, "height": 900})
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "domain": host, "path": morsel["path"] or "/"}
            for name, morsel in client.cookies.items()
        ]
    )
    return context.new_page()


def _refer(page: Any, live_server: Any, case: Any, police: Any, pathway: str, parts: list[str]) -> None:
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    page.get_by_role("link", name="إحالة هذه الحالة").click()
    page.get_by_label(pathway).check()
    page.get_by_label("الجهة أو الخدمة المستلمة").select_option(str(police.pk))
    for part in parts:
        page.get_by_label(part, exact=True).check()
    page.get_by_label("الغرض من الإحالة").fill("تحديد الحساب المبتز (مثال).")
    page.get_by_label("شفهياً").check()
    page.get_by_role("button", name="إرسال الإحالة").click()
    page.wait_for_url("**/staff/referrals/R-*/")
    assert "أُرسلت الإحالة" in page.content()


def test_consent_given_in_person_lets_a_liaison_and_an_accompaniment_go_to_the_same_police(
    browser: Any, live_server: Any, personas: Any, directory: Any
) -> None:
    case, _code = assigned_case(personas, consents=[])  # her report allowed nothing to be shared
    page = _office_page(browser, live_server, personas.caseworker)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    page.get_by_role("link", name="سجّل الموافقة التي تعطيك إياها، واطّلع على كل تغيير").click()
    page.get_by_label("يجوز إخبار الجهات الرسمية بما حدث وعرض الأدلة عليها، دون اسمها.").check()
    page.get_by_label("يجوز إعطاء الجهات الرسمية اسمها وطريقة الوصول إليها.").check()
    page.get_by_label("حضورياً").check()
    page.get_by_label("الشاهد (اختياري، مختوم): الاسم والصفة").fill("هدى (مثال)، موظفة حماية")
    page.get_by_role("button", name="سجّل موافقتها").click()
    assert "سُجّلت خياراتها. تتبعها الإحالات الآن." in page.content()
    assert "هدى (مثال)، موظفة حماية" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= OFFICE_WIDTH
    assert ConsentRecord.objects.get(case=case).recorded_by == personas.caseworker

    _refer(page, live_server, case, directory["police"], "التنسيق دون كشف الهوية", ["الحادثة", "الأدلة"])
    _refer(page, live_server, case, directory["police"], "المرافقة للإبلاغ شخصياً", ["الهوية", "الحادثة"])
    page.context.close()
    referrals = Referral.objects.filter(case=case, organisation=personas.police, status=Status.SENT)
    assert {referral.pathway for referral in referrals} == {Pathway.LIAISON, Pathway.ACCOMPANIMENT}
