"""The PDF summary of an evidence package, readable in Arabic, Kurdish and English.

reportlab lays the page out; Arabic letters are joined by ``arabic_reshaper`` and put in visual
order by ``python-bidi`` (reportlab draws glyphs left to right and knows neither). DejaVu Sans has
Arabic glyphs and is installed with the system, so nothing is fetched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT = "DejaVuSans"


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH))


def visual(text: str) -> str:
    """Text in the order reportlab must draw it: Arabic letters joined, right-to-left runs reversed."""
    return get_display(arabic_reshaper.reshape(text)) if text else ""


@dataclass
class Summary:
    """What the summary says, already translated; ``facts`` are (label, value) pairs per section."""

    title: str
    intro: str
    sections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    table_title: str = ""
    table_header: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)

    def render(self) -> bytes:
        _register_font()
        rtl = translation.get_language_bidi()
        align = TA_RIGHT if rtl else TA_LEFT
        body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, alignment=align)
        heading = ParagraphStyle("heading", parent=body, fontSize=13, leading=18, spaceBefore=8)
        title = ParagraphStyle("title", parent=body, fontSize=16, leading=22)
        small = ParagraphStyle("small", parent=body, fontSize=7, leading=9)

        def para(text: str, style: ParagraphStyle = body) -> Paragraph:
            lines = [escape(visual(line)) for line in text.splitlines() or [""]]
            return Paragraph("<br/>".join(lines), style)

        story: list[object] = [para(self.title, title), para(self.intro), Spacer(1, 4 * mm)]
        for section_title, facts in self.sections:
            story.append(para(section_title, heading))
            rows = [[para(value), para(label)] if rtl else [para(label), para(value)] for label, value in facts]
            if rows:
                widths = [120 * mm, 50 * mm] if rtl else [50 * mm, 120 * mm]
                story.append(Table(rows, colWidths=widths, style=[("VALIGN", (0, 0), (-1, -1), "TOP")]))
        for paragraph_title, text in self.paragraphs:
            story.append(para(paragraph_title, heading))
            story.append(para(text))
        if self.table_rows:
            story.append(para(self.table_title, heading))
            header = self.table_header[::-1] if rtl else self.table_header
            data = [[para(cell, small) for cell in header]]
            for row in self.table_rows:
                data.append([para(cell, small) for cell in (row[::-1] if rtl else row)])
            table = Table(data, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
        return build_pdf(story, title=self.title, margin=15 * mm)


def build_pdf(story: list[object], *, title: str, margin: float) -> bytes:
    """An A4 PDF of the story; ``invariant`` so the same content gives the same bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        invariant=1,
    )
    document.build(story)
    return buffer.getvalue()


MONO = "DejaVuSansMono"
MONO_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
HOW_TO_LANGUAGES = ("ar", "ckb", "en")


@dataclass(frozen=True)
class KeyFacts:
    """What the how-to page says about the package and the key that signed it."""

    organisation: str
    reference: str
    made_at: str
    key_id: str
    fingerprint: str


def _how_to_section(facts: KeyFacts) -> tuple[str, list[tuple[str, str]]]:
    """The page's text in the active language: a title and (text, command) steps."""
    values = {
        "organisation": facts.organisation,
        "reference": facts.reference,
        "date": facts.made_at,
        "key": facts.key_id,
    }
    return translation.gettext("How to check this evidence package"), [
        (
            translation.gettext(
                "%(organisation)s made this package (%(reference)s) on %(date)s and signed it with its key "
                "%(key)s. First compare the fingerprint below with the one the organisation handed you in person. "
                "If they differ, do not trust this package."
            )
            % values,
            f"sha256sum signing-key.pub\n{facts.fingerprint}",
        ),
        (
            translation.gettext(
                "Check the signatures with the minisign program. Each must say that the signature and the "
                "comment were verified, and the comment names the organisation and the package."
            ),
            "minisign -V -p signing-key.pub -m manifest.json\nminisign -V -p signing-key.pub -m SHA256SUMS",
        ),
        (
            translation.gettext(
                "Check every file against the signed list: each line must end in OK. manifest.json also lists "
                "when each file was received, viewed, downloaded and exported, and in which role."
            ),
            "sha256sum -c SHA256SUMS",
        ),
        (
            translation.gettext(
                "If the organisation tells you it revoked this key from a date, a package signed with it "
                "after that date is not to be trusted; ask the organisation to confirm it."
            ),
            "",
        ),
    ]


def how_to_verify(facts: KeyFacts) -> bytes:
    """One page, in Arabic, Kurdish and English, that tells a recipient how to check the package."""
    _register_font()
    if MONO not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(MONO, MONO_PATH))
    code = ParagraphStyle("code", fontName=MONO, fontSize=7.5, leading=10, alignment=TA_LEFT, leftIndent=4 * mm)
    story: list[object] = []
    for language in HOW_TO_LANGUAGES:
        with translation.override(language):
            align = TA_RIGHT if translation.get_language_bidi() else TA_LEFT
            title, steps = _how_to_section(facts)
        body = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11.5, alignment=align, spaceBefore=2)
        heading = ParagraphStyle("heading", parent=body, fontSize=11.5, leading=15, spaceBefore=6)
        story.append(Paragraph(escape(visual(title)), heading))
        for number, (text, command) in enumerate(steps, 1):
            story.append(Paragraph(escape(visual(f"{number}. {text}")), body))
            if command:
                story.append(Paragraph("<br/>".join(escape(line) for line in command.splitlines()), code))
    return build_pdf(story, title="How to check this evidence package", margin=12 * mm)
