"""The evidence pages in Debian's Chromium, in Arabic, on an office screen and on a phone: a caseworker
adds a screenshot, imports a WhatsApp export, reads its timeline and makes the package of a liaison
referral, and no page is wider than the screen."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from PIL import Image

from amana.cases import services as cases
from amana.community.tests.conftest import sign_in
from amana.evidence.models import ChatTimeline, EvidenceItem
from amana.evidence.sample_exports import Layout, conversation, whatsapp_text
from amana.referrals.tests.conftest import refer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1366, 360]


def screenshot_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 200), (230, 230, 230)).save(buffer, format="PNG")
    return buffer.getvalue()


WIDER_THAN_THE_SCREEN = """(width) => [...document.querySelectorAll('body *')]
    .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > width + 1 || r.left < -1); })
    .map((e) => e.tagName + '.' + e.className + ' ' + (e.getAttribute('name') || ''))"""


def fits(page: Any, width: int) -> bool:
    """No horizontal scrolling; when there is, the assertion names what sticks out."""
    if page.evaluate("document.documentElement.scrollWidth") <= width:
        return True
    raise AssertionError(page.evaluate(WIDER_THAN_THE_SCREEN, width))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_caseworker_adds_evidence_imports_a_chat_and_makes_a_package(
    personas,
    live_server,
    browser,
    case,
    width,
) -> None:
    cases.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    referral = refer(personas, case)
    context = browser.new_context(locale="ar", viewport={"width": width, "height": 800}, accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, personas.caseworker)
        evidence_url = f"{live_server.url}/staff/evidence/{case.reference}/"
        page.goto(evidence_url)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert fits(page, width)

        # Upload: a screenshot is sealed into the case and listed by its name.
        upload = {"name": "threat-screenshot.png", "mimeType": "image/png", "buffer": screenshot_png()}
        page.locator('input[name="files"]').set_input_files(upload)
        page.locator('form[action$="/files/"] button[type="submit"]').click()
        page.wait_for_selector("text=threat-screenshot.png")
        assert EvidenceItem.objects.filter(case=case).count() == 1
        assert fits(page, width)

        # Chat import: the export becomes a timeline whose messages read in order.
        export = whatsapp_text(conversation(12), Layout(language="ar"))
        chat = {"name": "WhatsApp Chat.txt", "mimeType": "text/plain", "buffer": export}
        page.locator('input[name="export"]').set_input_files(chat)
        page.locator('form[action$="/chats/"] button[type="submit"]').click()
        page.wait_for_url("**/chats/*/")
        timeline = ChatTimeline.objects.get(case=case)
        # The twelve messages and the export's own notice that the chat is end-to-end encrypted.
        assert timeline.message_count == 13
        first_words = conversation(12)[0].text.split()[0]
        assert first_words in page.content()
        assert fits(page, width)

        # Package: made for the liaison referral, it downloads as a zip under the referral's reference.
        page.goto(evidence_url)
        form = page.locator('form[action$="/package/"]')
        if form.locator('select[name="referral"]').count():
            form.locator('select[name="referral"]').select_option(str(referral.pk))
        for box in form.locator('input[name="compartments"]:not([disabled])').all():
            box.check()
        with page.expect_download() as download_info:
            form.locator('button[type="submit"]').click()
        download = download_info.value
        assert referral.reference in download.suggested_filename
        with zipfile.ZipFile(download.path()) as package:
            assert "manifest.json" in package.namelist()
    finally:
        context.close()
