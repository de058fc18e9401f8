"""A girl under 15 chooses what may be shared, in Debian's Chromium at 320 px with JavaScript on and
off: she reads that an adult is asked too, sees her choice kept, and nothing is shared yet; under the
duress code the page reads the same as a real girl's."""

from __future__ import annotations

from typing import Any

import pytest

from amana.cases.models import Consent, ConsentRecord

from .conftest import make_case
from .test_browser_safety import _open_with, _second_code, _text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
POLICE_WITHOUT_NAME = "يمكن للمنظمة أن تُبلغ الجهات المسؤولة بما حدث وتعرض الأدلة، دون اسمي."
ADULT_ASKED_TOO = "عمركِ أقل من 15 سنة: اختياراتكِ تخبرنا بما تريدين."


def _choose_police(page: Any, base: str) -> None:
    page.get_by_label(POLICE_WITHOUT_NAME).check()
    page.get_by_role("button", name="حفظ اختياراتي").click()
    page.wait_for_url(f"{base}/continue/page/")


def test_her_choice_under_15_is_kept_and_waits_for_an_adult(personas, live_server, context) -> None:
    case, code = make_case(personas.ngo, consents=[], age_band="under_15")
    page = _open_with(context, live_server.url, code)
    assert ADULT_ASKED_TOO in page.locator("main").inner_text()
    _choose_police(page, live_server.url)
    assert page.get_by_label(POLICE_WITHOUT_NAME).is_checked()
    assert ADULT_ASKED_TOO in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert not Consent.objects.filter(case=case, given=True, audience="authorities").exists()
    assert ConsentRecord.objects.get(case=case).assent_only


def test_under_the_duress_code_a_girls_page_reads_the_same(personas, live_server, browser, context) -> None:
    theirs, code = make_case(personas.ngo, consents=[], age_band="under_15")
    duress_code = _second_code(code)
    _new, new_code = make_case(personas.ngo, consents=[], age_band="under_15")
    forced = _open_with(context, live_server.url, duress_code)
    real = _open_with(
        browser.new_context(locale="ar", viewport={"width": 320, "height": 640}), live_server.url, new_code
    )
    for page in (forced, real):
        _choose_police(page, live_server.url)
    assert ADULT_ASKED_TOO in forced.locator("main").inner_text()
    assert _text(forced) == _text(real)
    assert not ConsentRecord.objects.filter(case=theirs).exists()
    real.context.close()
