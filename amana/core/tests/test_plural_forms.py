"""Where a number meets a noun, staff pages in Arabic use the form of the noun that number takes:
0 none, 1 the singular without the digit, 2 the dual, 3 to 10 the plural, 11 to 99 the singular
accusative, 100 and up the singular genitive ("41 إدخالاً", never "41 إدخالات")."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation

from amana.community.sheets import MAX_COLUMNS
from amana.retention import services as retention
from conftest import signed_in_client

COUNTS = (0, 1, 2, 3, 11, 41, 100)


def _referral(unanswered: int) -> SimpleNamespace:
    return SimpleNamespace(
        reference="R-EXAMPLE-1",
        unanswered=unanswered,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        get_pathway_display="Service referral",
        get_partner_status_display="Waiting",
    )


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "سؤال واحد بالانتظار"),
        (2, "سؤالان بالانتظار"),
        (3, "3 أسئلة بالانتظار"),
        (11, "11 سؤالاً بالانتظار"),
        (41, "41 سؤالاً بالانتظار"),
        (100, "100 سؤال بالانتظار"),
    ],
)
def test_a_partners_referral_list_counts_waiting_questions_in_arabic(count: int, expected: str) -> None:
    page = Paginator([_referral(count)], 50).get_page(1)
    with translation.override("ar"):
        html = render_to_string("referrals/_referral_list.html", {"page": page, "ngo": False})
    assert expected in html
    assert "waiting" not in html


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (1, "بعد شهر واحد من إغلاقها"),
        (2, "بعد شهرين من إغلاقها"),
        (3, "بعد 3 أشهر من إغلاقها"),
        (11, "بعد 11 شهرًا من إغلاقها"),
        (100, "بعد 100 شهر من إغلاقها"),
    ],
)
def test_the_retention_page_says_the_period_in_the_right_form(personas, months: int, expected: str) -> None:
    retention.set_retention(organisation=personas.ngo, months=months, by=personas.org_admin)
    response = signed_in_client(personas.org_admin).get("/staff/retention/")
    assert response.status_code == 200
    assert expected in response.content.decode()


# Sentences from the evidence, community and case pages, each with the form every count takes.
SENTENCES = {
    ("Chat imported on %(date)s: %(count)s entry", "Chat imported on %(date)s: %(count)s entries"): {
        0: "لا إدخالات",
        1: "إدخال واحد",
        2: "إدخالان",
        3: "3 إدخالات",
        11: "11 إدخالاً",
        41: "41 إدخالاً",
        100: "100 إدخال",
    },
    ("%(count)s identifier was added to the case.", "%(count)s identifiers were added to the case."): {
        0: "لم يُضف أي معرّف",
        1: "أُضيف معرّف واحد",
        2: "أُضيف معرّفان",
        3: "أُضيفت 3 معرّفات",
        11: "أُضيف 11 معرّفاً",
        41: "أُضيف 41 معرّفاً",
        100: "أُضيف 100 معرّف",
    },
    ("%(count)s participant was imported.", "%(count)s participants were imported."): {
        0: "لم يُستورد أي مشارك",
        1: "استُورد مشارك واحد",
        2: "استُورد مشاركان",
        3: "استُورد 3 مشاركين",
        11: "استُورد 11 مشاركاً",
        41: "استُورد 41 مشاركاً",
        100: "استُورد 100 مشارك",
    },
    ("%(count)s file was sealed.", "%(count)s files were sealed."): {
        0: "لم يُشفَّر أي ملف",
        1: "شُفِّر ملف واحد",
        2: "شُفِّر ملفان",
        3: "شُفِّرت 3 ملفات",
        11: "شُفِّر 11 ملفاً",
        41: "شُفِّر 41 ملفاً",
        100: "شُفِّر 100 ملف",
    },
}


@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize("sentence", list(SENTENCES), ids=lambda sentence: sentence[0][:30])
def test_each_count_takes_its_arabic_form(sentence: tuple[str, str], count: int) -> None:
    with translation.override("ar"):
        text = translation.ngettext(*sentence, count) % {"count": count, "date": "2026-03-01"}
    assert SENTENCES[sentence][count] in text


def test_the_attendance_sheet_limit_is_counted_in_arabic_and_sorani() -> None:
    singular, plural = "The sheet has more than %(limit)s column.", "The sheet has more than %(limit)s columns."
    with translation.override("ar"):
        assert f"{MAX_COLUMNS} عمود" in translation.ngettext(singular, plural, MAX_COLUMNS) % {"limit": MAX_COLUMNS}
    with translation.override("ckb"):
        assert "ستوون" in translation.ngettext(singular, plural, MAX_COLUMNS) % {"limit": MAX_COLUMNS}
