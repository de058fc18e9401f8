"""Case handling in Debian's Chromium, in Arabic at 320 px: queue, assignment, risk, plan, follow-up, closure.

The supervisor's browser runs JavaScript; the caseworker's has it switched off, since every case
screen must work without it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.cases.models import Case, ClosureRequest, FollowUp, PlanAction, RiskLevel, Status
from conftest import PASSWORD, current_code

from .conftest import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def sign_in(browser: Any, base: str, user: Any, *, javascript: bool = True, width: int = 320) -> Any:
    """A staff member signed in with her password and second factor, in Arabic, at ``width`` pixels."""
    context = browser.new_context(java_script_enabled=javascript, locale="ar", viewport={"width": width, "height": 720})
    page = context.new_page()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="phone", confirmed=True
    )
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a later sign-in in the same 30 seconds
    page.goto(f"{base}/staff/login/")
    page.get_by_label("اسم المستخدم").fill(user.username)
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="متابعة").click()
    page.wait_for_url("**/staff/login/code/**")
    device.refresh_from_db()
    page.get_by_label("الرمز المكوّن من ستة أرقام").fill(current_code(device))
    page.get_by_role("button", name="دخول").click()
    page.wait_for_url("**/staff/")
    return page


def test_a_case_from_queue_to_approved_closure(personas, live_server, browser) -> None:
    case, _code = make_case(personas.ngo, danger_now="yes")
    calm, _code = make_case(personas.ngo)
    base = live_server.url

    # The supervisor finds the urgent case first and assigns it.
    supervisor = sign_in(browser, base, personas.supervisor)
    supervisor.get_by_role("link", name="الحالات", exact=True).first.click()
    queue = supervisor.locator("main").inner_text()
    assert queue.index(case.reference) < queue.index(calm.reference)
    _fits(supervisor)
    supervisor.get_by_role("link", name=case.reference).click()
    supervisor.locator('select[name="caseworker"]').select_option(str(personas.caseworker.pk))
    supervisor.get_by_role("button", name="إسناد").click()
    assert "أُسندت الحالة." in supervisor.content()
    _fits(supervisor)

    # The caseworker, told in the app, assesses the risk with her.
    caseworker = sign_in(browser, base, personas.caseworker, javascript=False)
    caseworker.goto(f"{base}/staff/cases/notifications/")
    caseworker.get_by_role("link", name=case.reference).click()
    caseworker.get_by_role("link", name="السلامة والخطورة").click()
    for question in ("immediate_danger", "family_violence", "images_published", "knows_family"):
        caseworker.locator(f'input[name="{question}"][value="no"]').check()
    caseworker.locator('input[name="self_harm"][value="yes"]').check()
    caseworker.get_by_label("ملاحظات حول سلامتها (مشفّرة)").fill("تحدثنا صباحاً (مثال)")
    _fits(caseworker)
    caseworker.get_by_role("button", name="حفظ التقييم").click()
    assert "أُبلغ المشرفون فوراً" in caseworker.content()
    assert "تحدثنا صباحاً (مثال)" in caseworker.content()
    assert Case.objects.get(pk=case.pk).risk_level == RiskLevel.HIGH

    # Her plan: a step she chose knowing what it involves.
    caseworker.get_by_role("link", name="خطة العمل").click()
    caseworker.get_by_label("ما اختارته").select_option("psychosocial")
    caseworker.get_by_label("ما المطلوب بالضبط، ومن يفعل ماذا (مشفّر)").fill("جلسة دعم نفسي (مثال)")
    caseworker.get_by_label("شفهياً").check()
    caseworker.get_by_role("button", name="إضافة إلى خطتها").click()
    assert "تعرف ما تتضمنه" in caseworker.content()  # her informed choice was not ticked
    caseworker.get_by_label("أُبلغت بما تتضمنه هذه الخطوة").check()
    caseworker.get_by_role("button", name="إضافة إلى خطتها").click()
    assert "جلسة دعم نفسي (مثال)" in caseworker.content()
    _fits(caseworker)
    assert PlanAction.objects.filter(case=case).count() == 1

    # A follow-up at a time she said is safe, prefilled from her safe-contact plan.
    caseworker.get_by_role("link", name="المتابعات").click()
    assert caseworker.get_by_label("الأوقات الآمنة (مشفّرة)").input_value() == "Mornings (example)"
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    caseworker.get_by_label("متى").fill(when)
    caseworker.get_by_role("button", name="جدولة المتابعة").click()
    assert "جُدولت المتابعة." in caseworker.content()
    assert FollowUp.objects.filter(case=case).count() == 1
    _fits(caseworker)

    # The step of her plan is done, then closure is requested with her feedback ...
    caseworker.get_by_role("link", name="خطة العمل").click()
    caseworker.get_by_label("مُنجز").check()
    caseworker.get_by_label("النتيجة (مشفّرة)").fill("حضرت الجلسة (مثال)")
    caseworker.get_by_role("button", name="تسجيل هذه الخطوة").click()
    assert "سُجّلت الخطوة." in caseworker.content()
    caseworker.get_by_role("link", name="الإغلاق").click()
    caseworker.get_by_label("تحققت أهدافها في الخطة").check()
    caseworker.get_by_label("رأيها في المساعدة التي تلقتها (مشفّر)").fill("شعرت بالأمان (مثال)")
    caseworker.get_by_role("button", name="طلب الإغلاق").click()
    assert "سيوافق عليه المشرف أو يعيده إليك" in caseworker.content()
    assert Case.objects.get(pk=case.pk).status != Status.CLOSED

    # ... and approved by the supervisor.
    supervisor.goto(f"{base}/staff/cases/?view=closing")
    supervisor.get_by_role("link", name=case.reference).click()
    supervisor.get_by_role("link", name="الإغلاق").click()
    assert "شعرت بالأمان (مثال)" in supervisor.content()
    supervisor.get_by_label("الموافقة على الإغلاق").check()
    supervisor.get_by_role("button", name="حفظ القرار").click()
    assert "أُغلقت الحالة." in supervisor.content()
    _fits(supervisor)
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    assert ClosureRequest.objects.get(case=case).decided_by == personas.supervisor
