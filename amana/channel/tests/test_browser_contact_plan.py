"""Her safe-contact plan changed by her in Debian's Chromium at 320 px, with JavaScript on and off;
under the duress code the page cannot be told from a real new case's, and nothing real changes."""

from __future__ import annotations

from typing import Any

import pytest

from amana.cases import selectors
from amana.cases.models import ContactPlanChange
from amana.cases.tests.conftest import keyring_of

from .conftest import make_case
from .test_browser_safety import _open_with, _second_code, _text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAVED = "حُفظت طريقة التواصل معكِ. ستتبعها مديرة حالتكِ من الآن."


def _change_plan(page: Any, base: str) -> None:
    page.get_by_label("واتساب", exact=True).check()
    page.get_by_label("رقم هاتف آمن للاستخدام (فقط إذا اخترتِ الاتصال أو واتساب)").fill("0751 000 0000")
    page.get_by_role("button", name="حفظ طريقة التواصل معي").click()
    page.wait_for_url(f"{base}/continue/page/")


def test_she_changes_her_plan_with_her_code(personas, live_server, context) -> None:
    case, code = make_case(personas.ngo)
    page = _open_with(context, live_server.url, code)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # A number she chose not to be called on is refused, and she is told why.
    page.get_by_label("واتساب", exact=True).check()
    page.get_by_role("button", name="حفظ طريقة التواصل معي").click()
    assert "اخترتِ الاتصال أو واتساب" in page.locator("main").inner_text()
    _change_plan(page, live_server.url)
    assert SAVED in page.locator("main").inner_text()
    case.refresh_from_db()
    identity = selectors.open_identity(case, keyring=keyring_of(personas.caseworker))
    assert identity["contact_methods"] == ["whatsapp"] and identity["contact_phone"] == "0751 000 0000"


def test_under_the_duress_code_it_looks_the_same_and_changes_nothing(personas, live_server, browser, context) -> None:
    theirs, code = make_case(personas.ngo, consents=[])
    duress_code = _second_code(code)
    _new, new_code = make_case(personas.ngo, consents=[])
    forced = _open_with(context, live_server.url, duress_code)
    real = _open_with(
        browser.new_context(locale="ar", viewport={"width": 320, "height": 640}), live_server.url, new_code
    )
    for page in (forced, real):
        _change_plan(page, live_server.url)
    assert SAVED in forced.locator("main").inner_text()
    assert _text(forced) == _text(real)
    assert not ContactPlanChange.objects.filter(case=theirs).exists()
    assert ContactPlanChange.objects.count() == 1
    real.context.close()
