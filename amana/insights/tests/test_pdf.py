"""The PDF report: Kurdish and Arabic shaped as HarfBuzz shapes them, vowel marks kept, "<5" not mirrored."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date

import uharfbuzz
from django.utils import translation
from pypdf import PdfReader

from amana.cases.models import Channel
from amana.insights.pdf import FONT, pdf_bytes
from amana.insights.selectors import Period, figures
from amana.insights.tests.conftest import counted_cases, release_months

PERIOD = {"first": "2025-02", "last": "2025-04"}
KURDISH = "بەڕێوەبەری گوڵەکان ژمارەی"
VOWELLED = "أَرْقَامُ البَرْنَامَجِ"
PRIVATE = "private use"


def text_of(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def shaped_letters(text: str) -> Counter[str]:
    """What the PDF's text holds for words shaped by HarfBuzz with the report's font, letter by letter.

    A letter drawn in a joined form with a code point of its own (Arabic presentation forms) reads
    as that code point; a joined form with none (the Kurdish AE, E and L with a V, mostly) as a private-use
    character, counted here as PRIVATE; a letter in its plain form as itself.
    """
    font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob(FONT.read_bytes())))
    letters: Counter[str] = Counter()
    for word in text.split():
        buffer = uharfbuzz.Buffer()
        buffer.add_str(word)
        buffer.guess_segment_properties()
        uharfbuzz.shape(font, buffer, {})
        for info in buffer.glyph_infos:
            name = font.glyph_to_string(info.codepoint)
            if re.fullmatch(r"uniF[B-E][0-9A-F]{2}", name):
                letters[chr(int(name[3:], 16))] += 1
            elif "." in name:
                letters[PRIVATE] += 1
            else:
                letters[word[info.cluster]] += 1
    return letters


def letters_of(line: str) -> Counter[str]:
    return Counter(PRIVATE if "\ue000" <= char <= "\uf8ff" else char for char in line if not char.isspace())


def test_its_kurdish_is_shaped_letter_by_letter_as_harfbuzz_shapes_it(personas, login) -> None:
    counted_cases(personas.ngo, 12, channel=Channel.WEB)
    release_months(personas.ngo, date(2025, 2, 1), date(2025, 4, 1))
    with translation.override("ckb"):
        user = personas.me_officer
        content = pdf_bytes(figures(user, Period(date(2025, 2, 1), date(2025, 4, 1))), title=KURDISH)
    title = text_of(content).splitlines()[0]
    expected = shaped_letters(KURDISH)
    # The words hold joined forms that have no code point (L and E with a V starting a join, AE ending one).
    assert expected[PRIVATE] >= 4
    assert letters_of(title) == expected


def test_its_arabic_keeps_vowel_marks_and_never_mirrors_the_hidden_mark(personas, login) -> None:
    counted_cases(personas.ngo, 2, channel=Channel.HOTLINE, month_reported=date(2025, 3, 1))
    release_months(personas.ngo, date(2025, 2, 1), date(2025, 4, 1))
    with translation.override("ar"):
        content = pdf_bytes(figures(personas.me_officer, Period(date(2025, 2, 1), date(2025, 4, 1))), title=VOWELLED)
    text = text_of(content)
    for mark in "\u064e\u064f\u0650\u0652":
        assert text.count(mark) >= VOWELLED.count(mark)
    assert "<5" in text
    assert "5>" not in text and ">5" not in text


def test_it_carries_the_dashboards_charts(personas, login) -> None:
    counted_cases(personas.ngo, 12, channel=Channel.WEB)
    release_months(personas.ngo, date(2025, 2, 1), date(2025, 4, 1))
    client = login(personas.me_officer)
    client.cookies["django_language"] = "en"
    response = client.get("/staff/insights/export.pdf", PERIOD)
    assert response.status_code == 200
    text = text_of(response.content)
    dashboard = client.get("/staff/insights/", PERIOD).context["blocks"]
    for block in dashboard:
        # Every chart's bars are labelled in the PDF as on the page.
        for bar in block["chart"].bars:
            assert bar.label.split()[0] in text
