"""A closure refused by the checklist, then completed, in Debian's Chromium, in Arabic, at 1366 px.

The case is the one of the finding: a girl of 15 to 17 in danger now, never assessed, with an empty
plan and an open police referral. The caseworker's browser has JavaScript switched off.
"""

from __future__ import annotations

import pytest

from amana.cases.models import Case, Safeguarding, Status
from amana.referrals.models import Referral
from amana.referrals.models import Status as ReferralStatus
from amana.referrals.tests.conftest import refer

from .conftest import assigned_case
from .test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1366


def test_a_closure_refused_by_the_checklist_then_completed(personas, live_server, browser) -> None:
    case, _code = assigned_case(personas, danger_now="yes", age_band="15_17")
    referral = refer(personas, case)
    base = live_server.url
    closure = f"{base}/staff/cases/{case.reference}/closure/"

    # The caseworker sees what is missing and asks to close the case, with her feedback.
    caseworker = sign_in(browser, base, personas.caseworker, javascript=False, width=WIDTH)
    caseworker.goto(f"{base}/staff/cases/{case.reference}/")
    assert "طفلة (دون 18 سنة)" in caseworker.locator("main").inner_text()
    caseworker.get_by_role("link", name="الإغلاق").click()
    checklist = caseworker.locator(".checklist").inner_text()
    assert "ناقص: تقييم سلامتها والخطورة بعد آخر مؤشر خطر" in checklist
    assert "ناقص: تسجيل خطوة حماية الطفلة" in checklist and "ما زالت إحالة واحدة مفتوحة" in checklist
    caseworker.get_by_label("طلبت إغلاق الحالة").check()
    caseworker.get_by_label("رأيها في المساعدة التي تلقتها (مشفّر)").fill("شعرت بالأمان (مثال)")
    caseworker.get_by_role("button", name="طلب الإغلاق").click()
    assert "سيوافق عليه المشرف أو يعيده إليك" in caseworker.content()

    # The supervisor approves as before: refused, with each missing item named; nothing closes.
    supervisor = sign_in(browser, base, personas.supervisor, width=WIDTH)
    supervisor.goto(closure)
    supervisor.get_by_label("الموافقة على الإغلاق").check()
    supervisor.get_by_role("button", name="حفظ القرار").click()
    refusal = supervisor.locator("main").inner_text()
    assert "لا يمكن إغلاق الحالة بعد" in refusal and "تسجيل خطوة حماية الطفلة" in refusal
    assert Case.objects.get(pk=case.pk).status != Status.CLOSED
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT

    # The caseworker records the safeguarding step with her (a step the checklist links to).
    caseworker.goto(closure)
    caseworker.get_by_role("link", name="انتقل إلى هذه الخطوة").last.click()
    caseworker.get_by_label("ما هو في مصلحتها الفضلى، وكيف استُمع إليها (مشفّر)").fill("تريد خالتها بجانبها (مثال)")
    caseworker.get_by_label("يشارك شخص بالغ آخر موثوق، لأن إشراك مقدّم الرعاية غير آمن").check()
    caseworker.get_by_label("لماذا يشارك هؤلاء البالغون أو لا يشاركون (مشفّر)").fill("والدها هددها (مثال)")
    caseworker.get_by_label("كل خدمة أُحيلت أو ستُحال إليها تقبل الأطفال؛ وتم التحقق من كل واحدة").check()
    caseworker.get_by_role("button", name="حفظ خطوة حماية الطفلة").click()
    assert "سُجّلت خطوة حماية الطفلة." in caseworker.content()
    assert Safeguarding.objects.filter(case=case).exists()

    # The checklist still waits for a supervisor's decision on mandatory reporting, which she takes
    # on the same step.
    supervisor.goto(closure)
    assert "لم يقرّر مشرف بعد بشأن الإبلاغ الإلزامي." in supervisor.locator(".checklist").inner_text()
    supervisor.goto(f"{base}/staff/cases/{case.reference}/safeguarding/")
    supervisor.get_by_label("عدم الإبلاغ: ليس مطلوبًا، أو أن الإبلاغ يعرّضها لخطر أكبر").check()
    supervisor.get_by_label("لماذا هذا في مصلحتها الفضلى، وما الذي يطلبه القانون هنا (مشفّر)").fill(
        "الإبلاغ الآن يصل إلى والدها أولاً (مثال)"
    )
    supervisor.get_by_role("button", name="احفظ القرار بشأن الإبلاغ الإلزامي").click()
    assert "سُجّل القرار بشأن الإبلاغ الإلزامي." in supervisor.content()

    # The supervisor overrides what is left, each with a written reason, and the case closes.
    supervisor.goto(closure)
    assert "ناقص: تسجيل خطوة حماية الطفلة" not in supervisor.locator(".checklist").inner_text()
    for code in ("risk", "plan", "referrals"):
        supervisor.locator(f'input[name="override_{code}"]').check()
        supervisor.locator(f'textarea[name="override_reason_{code}"]').fill(
            f"أغلقت بطلبها وهي بأمان الآن ({code}، مثال)"
        )
    supervisor.get_by_label("الموافقة على الإغلاق").check()
    supervisor.get_by_role("button", name="حفظ القرار").click()
    assert "أُغلقت الحالة." in supervisor.content()
    assert "أُغلقت من دون: كل إحالة انتهت أو سُحبت" in supervisor.locator("main").inner_text()
    assert supervisor.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED

    # The police read that the case is closed, and nothing of why.
    police = sign_in(browser, base, personas.liaison, width=WIDTH)
    police.goto(f"{base}/staff/referrals/received/{referral.reference}/")
    told = police.locator("main").inner_text()
    assert "أغلقت المنظمة الحالة، لذا لم يعد بإمكان منظمتك فتح أي جزء منها." in told
    assert "بطلبها" not in told and "شعرت بالأمان" not in told
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CASE_CLOSED
