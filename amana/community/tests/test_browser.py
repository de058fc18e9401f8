"""The community programme in Debian's Chromium, in Arabic, at 320 px."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import formats, translation

from amana.community import services
from amana.community.models import ActionPoint, ActionStatus, KnowledgeScore, MentorshipSession, PeaceTeamMember
from amana.community.tests.conftest import make_action_point, make_forum, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 320


def test_an_officer_records_a_forum_with_action_points(personas, live_server, page) -> None:
    sign_in(page, live_server.url, personas.me_officer)
    page.goto(f"{live_server.url}/staff/community/forums/new/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_label("التاريخ").fill("2022-06-05")
    page.get_by_label("المكان").fill("مركز النساء في القيارة (مثال)")
    page.get_by_label("الميسّر").fill("ميسّرة (مثال)")
    page.get_by_label("الشرطة المجتمعية").check()
    page.get_by_label("جهاز الأمن الوطني").check()
    page.get_by_role("button", name="حفظ المنتدى").click()
    page.wait_for_url("**/staff/community/forums/*/")
    assert "حُفظ المنتدى" in page.content()

    page.get_by_label("الشاغل، بكلمات النساء أنفسهن").fill("لا نعرف بمن نتصل إذا هددنا أحد.")
    page.get_by_role("button", name="إضافة الشاغل").click()
    page.get_by_label(re.compile("^بند العمل")).fill("توزيع أرقام الخط الساخن في المدارس (مثال)")
    page.get_by_label("الجهة المسؤولة عن التنفيذ").select_option(label="الشرطة المجتمعية")
    page.get_by_label("موعد الإنجاز").fill("2022-09-01")
    page.get_by_role("button", name="إضافة بند العمل").click()
    page.wait_for_selector("text=سيُعرض للمراجعة في المنتدى القادم")
    assert "لا نعرف بمن نتصل" in page.content()
    assert page.locator("#action-points ~ .table-wrap td", has_text="توزيع أرقام الخط الساخن").count() == 1
    action_point = ActionPoint.objects.get()
    assert (action_point.owner.key, action_point.due_on) == ("community_police", date(2022, 9, 1))
    assert fits_the_screen(page)


def test_a_second_forum_reviews_and_closes_an_action_point(personas, live_server, page) -> None:
    first = make_forum(personas.me_officer, date(2022, 6, 5))
    kept_open = make_action_point(personas.me_officer, first, text="زيارة المدارس (مثال)")
    closing = make_action_point(personas.me_officer, first, text="يوم مفتوح في مركز الشرطة (مثال)")
    second = make_forum(personas.me_officer, date(2022, 9, 10))
    sign_in(page, live_server.url, personas.me_officer)
    page.goto(f"{live_server.url}/staff/community/forums/{second.pk}/")

    review = page.locator("section.review", has_text="يوم مفتوح في مركز الشرطة")
    review.get_by_label("الحالة الآن").select_option(label="مُنجز")
    review.get_by_label("ملاحظة التقدم").fill("عُقد اليوم المفتوح وحضرته ثلاثون امرأة.")
    review.get_by_role("button", name="حفظ المراجعة").click()
    page.wait_for_selector("text=حُفظت المراجعة")
    assert "رُوجع في هذا المنتدى" in page.content()

    closing.refresh_from_db()
    kept_open.refresh_from_db()
    assert (closing.status, kept_open.status) == (ActionStatus.DONE, ActionStatus.OPEN)
    page.goto(f"{live_server.url}/staff/community/action-points/{closing.pk}/")
    history = page.locator("ol.history li")
    assert history.count() == 2
    assert "عُقد اليوم المفتوح" in history.nth(1).inner_text()
    page.goto(f"{live_server.url}/staff/community/action-points/")
    assert "زيارة المدارس" in page.content() and "يوم مفتوح في مركز الشرطة" not in page.content()
    assert fits_the_screen(page)


def test_a_training_with_scores_before_and_after_shows_the_gain(personas, live_server, page) -> None:
    sign_in(page, live_server.url, personas.me_officer)
    page.goto(f"{live_server.url}/staff/community/activities/new/")
    page.get_by_label("العنوان").fill("تدريب على آليات الإبلاغ (مثال)")
    page.get_by_label("التاريخ").fill("2022-10-02")
    page.get_by_label("المكان").fill("قاعة المجتمع (مثال)")
    page.get_by_label("أنواع الابتزاز الإلكتروني").check()
    page.get_by_label("الشباب", exact=True).check()
    page.get_by_role("button", name="حفظ النشاط").click()
    page.wait_for_url("**/staff/community/activities/*/")

    page.get_by_role("link", name="إدخال درجات المعرفة").click()
    for index, (before, after) in enumerate([(3, 8), (5, 8)]):
        page.locator(f'input[name="scores-{index}-pre_score"]').fill(str(before))
        page.locator(f'input[name="scores-{index}-post_score"]').fill(str(after))
    page.get_by_role("button", name="حفظ الدرجات").click()
    page.wait_for_selector("text=حُفظت درجات المعرفة")
    assert list(KnowledgeScore.objects.values_list("pre_score", "post_score")) == [(3, 8), (5, 8)]
    with translation.override("ar"):
        gain = formats.localize(Decimal("4.0"))
    assert gain in page.locator(".gain").inner_text()
    assert fits_the_screen(page)


def test_a_peace_team_gets_a_member_and_a_mentorship_session(personas, live_server, page) -> None:
    team = services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="القيارة (مثال)")
    sign_in(page, live_server.url, personas.me_officer)
    page.goto(f"{live_server.url}/staff/community/teams/{team.pk}/")
    page.get_by_label(re.compile("^الاسم")).fill("زينب مثال")
    page.get_by_label("الدور في الفريق").select_option(label="منسق")
    page.locator('form[action$="/members/"]').get_by_role("button").click()
    page.wait_for_selector("text=أُضيف العضو")
    # Keys by need: the M&E officer holds no key to the names, so she sees the name sealed.
    assert page.locator("section.member h3").inner_text() == "الاسم مختوم"
    assert "زينب مثال".encode() not in bytes(PeaceTeamMember.objects.get().name_sealed)

    page.get_by_label(re.compile("^التاريخ")).fill("2023-03-15")
    page.get_by_label("المرشد").fill("مرشدة (مثال)")
    page.get_by_label("القيادة").check()
    page.get_by_label("المناصرة").check()
    page.get_by_label("الأعضاء الحاضرون").fill("6")
    page.get_by_role("button", name="حفظ الجلسة").click()
    page.wait_for_selector("text=سُجّلت جلسة الإرشاد والمتابعة")
    row = page.locator("#mentorship ~ .table-wrap tbody tr")
    assert row.count() == 1 and "القيادة" in row.inner_text() and "مرشدة (مثال)" in row.inner_text()
    assert MentorshipSession.objects.get().members_present == 6
    assert fits_the_screen(page)

    # The team's own member sees the team, the name and the session, and no form to change them.
    page.context.clear_cookies()
    sign_in(page, live_server.url, personas.cpt_member)
    page.goto(f"{live_server.url}/staff/community/teams/{team.pk}/")
    assert "زينب مثال" in page.content() and "مرشدة (مثال)" in page.content()
    assert page.get_by_role("button", name="حفظ الجلسة").count() == 0


def test_a_peace_team_member_records_a_forum_with_an_action_point_on_a_phone(personas, live_server, browser) -> None:
    services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="القيارة (مثال)")
    context = browser.new_context(locale="ar", viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, personas.cpt_member)
        page.goto(f"{live_server.url}/staff/community/forums/new/")
        page.get_by_label("التاريخ").fill("2023-02-01")
        page.get_by_label("المكان").fill("مدرسة القرية (مثال)")
        page.get_by_label("الميسّر").fill("منسقة الفريق (مثال)")
        page.get_by_label("الشرطة المجتمعية").check()
        page.get_by_role("button", name="حفظ المنتدى").click()
        page.wait_for_url("**/staff/community/forums/*/")
        page.get_by_label(re.compile("^بند العمل")).fill("إنارة الطريق إلى المدرسة (مثال)")
        page.get_by_label("الجهة المسؤولة عن التنفيذ").select_option(label="الشرطة المجتمعية")
        page.get_by_label("موعد الإنجاز").fill("2023-04-01")
        page.get_by_role("button", name="إضافة بند العمل").click()
        page.wait_for_selector("text=سيُعرض للمراجعة في المنتدى القادم")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
    action_point = ActionPoint.objects.get()
    assert action_point.forum.organisation == personas.cpt
