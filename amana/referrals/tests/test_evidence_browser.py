"""A liaison referral's chat evidence in Chromium, in Arabic, on an office screen: the caseworker says
which sender is her, refers the case sharing the chat's pseudonymised transcript, and the police
liaison reads what the file is and downloads it; it holds no name or number of hers."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from amana.evidence import services as evidence
from amana.evidence.models import SharedFile
from amana.evidence.sample_exports import BAGHDAD, EXTORTIONIST_NUMBER, SURVIVOR, Layout, SampleMessage, whatsapp_text
from amana.referrals.models import Referral
from conftest import signed_in_client

from .conftest import keyring

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1366
# Her number as the case records it (the channel's fixture), and as he writes it in Arabic-Indic digits.
HER_NUMBER = "0750 000 0000"
HER_NUMBER_ARABIC = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in HER_NUMBER)


def _page(browser: Any, live_server: Any, user: Any) -> Any:
    client = signed_in_client(user)
    context = browser.new_context(locale="ar", viewport={"width": WIDTH, "height": 900}, accept_downloads=True)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "domain": host, "path": morsel["path"] or "/"}
            for name, morsel in client.cookies.items()
        ]
    )
    return context.new_page()


def _chat() -> bytes:
    start = datetime(2023, 3, 17, 9, 5, tzinfo=BAGHDAD)
    return whatsapp_text(
        [
            SampleMessage(EXTORTIONIST_NUMBER, start, "عندي صورك (مثال). Noor, I have your photos (example)."),
            SampleMessage(SURVIVOR, start + timedelta(minutes=2), "اتركني (مثال)."),
            SampleMessage(
                EXTORTIONIST_NUMBER, start + timedelta(minutes=5), f"سأرسلها إلى {HER_NUMBER_ARABIC} (مثال)."
            ),
            SampleMessage(SURVIVOR, start + timedelta(minutes=7), f"رقمي {HER_NUMBER} ليس لك (مثال)."),
        ],
        Layout(language="ar"),
    )


def test_the_police_download_a_liaison_referrals_chat_transcript_holding_nothing_of_hers(
    browser: Any, live_server: Any, personas: Any, case: Any, directory: Any
) -> None:
    timeline = evidence.import_chat(
        case=case,
        upload=SimpleUploadedFile("WhatsApp Chat.txt", _chat()),
        by=personas.caseworker,
        export_name="WhatsApp Chat.txt",
        keyring=keyring(personas.caseworker),
    )
    page = _page(browser, live_server, personas.caseworker)
    # The export does not say which sender is her: the caseworker says it on the chat's page.
    page.goto(f"{live_server.url}/staff/evidence/{case.reference}/chats/{timeline.pk}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator(f'input[name="senders"][value="{SURVIVOR}"]').check()
    page.get_by_role("button", name="احفظ من هي في هذه المحادثة").click()
    page.wait_for_url(f"**/chats/{timeline.pk}/")

    page.goto(f"{live_server.url}/staff/referrals/new/{case.reference}/")
    page.get_by_label("التنسيق دون كشف الهوية").check()
    page.get_by_label("الجهة أو الخدمة المستلمة").select_option(str(directory["police"].pk))
    page.get_by_label("الحادثة").check()
    page.get_by_label("الأدلة", exact=True).check()
    # The chat is offered as its transcript first; the original export is offered apart, and not chosen.
    page.locator(f'input[name="files"][value="transcript:{timeline.pk}"]').check()
    assert not page.locator(f'input[name="files"][value="original:{timeline.pk}"]').is_checked()
    page.get_by_label("الغرض من الإحالة").fill("تحديد الحساب المبتز (مثال).")
    page.get_by_label("عبر الموقع").check()
    page.get_by_role("button", name="إرسال الإحالة").click()
    page.wait_for_url("**/staff/referrals/R-*/")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    referral = Referral.objects.get()
    page.context.close()

    page = _page(browser, live_server, personas.liaison)
    page.goto(f"{live_server.url}/staff/referrals/received/{referral.reference}/")
    with translation.override("ar"):
        kind = gettext("pseudonymised chat transcript")
        how = gettext("Use it only for this referral; when the referral ends your organisation can no longer open it.")
    shared = SharedFile.objects.get(share__referral=referral)
    page.locator(f'a[href$="/files/{shared.pk}/"]').click()
    page.wait_for_url(f"**/files/{shared.pk}/")
    content = page.content()
    assert kind in content and how in content
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    with page.expect_download() as download_info:
        page.get_by_role("link", name="نزّل الملف").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    page.context.close()

    for hers in (SURVIVOR, "Noor", HER_NUMBER, HER_NUMBER_ARABIC, "750 000", HER_NUMBER_ARABIC[-8:]):
        assert hers not in text, hers
    with translation.override("ar"):
        assert gettext("the survivor") in text
    # The extortionist's number and his words are kept.
    assert EXTORTIONIST_NUMBER in text and "عندي صورك" in text
