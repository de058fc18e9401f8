"""The PDF report: the legend, every chart and every table, shaped for Arabic and Kurdish (Sorani).

ReportLab draws the pages; HarfBuzz (through uharfbuzz) shapes the text with the font's own tables,
so every letter takes its joined form (the Kurdish letters AE, E with a V, L with a V and RR too,
which have no "presentation form" code points to fall back on) and vowel marks stay on their
letters. ReportLab orders right-to-left text only with a library that is not packaged, so lines
are broken here and their words put in display order: right to left, except that a run of words
without Arabic letters (numbers, months, "<5") keeps its own left-to-right order, so "<5" reads the
same as in the tables and charts, never mirrored.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language_bidi

from amana.insights.charts import Chart, rows_chart
from amana.insights.exports import legend, period_text, table_rows
from amana.insights.selectors import Figures, Grid

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _arabic(word: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" for char in word)


def display_order(words: list[str]) -> list[str]:
    """The words of one right-to-left line from left to right; runs without Arabic keep their order."""
    ordered: list[str] = []
    run: list[str] = []
    for word in reversed(words):
        if _arabic(word):
            ordered += [*reversed(run), word]
            run = []
        else:
            run.append(word)
    return [*ordered, *reversed(run)]


def lines(text: str, *, font: str, size: float, width: float) -> list[list[str]]:
    """Words in reading order, broken into lines no wider than ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    broken: list[list[str]] = [[]]
    for word in str(text).split():
        candidate = " ".join([*broken[-1], word])
        if broken[-1] and stringWidth(candidate, font, size) > width:
            broken.append([])
        broken[-1].append(word)
    return broken


def paragraph(text: Any, style: Any, *, width: float, rtl: bool) -> Any:
    """A paragraph laid out line by line, in display order when the language is right to left."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    broken = lines(str(text), font=style.fontName, size=style.fontSize, width=width)
    shown = [display_order(line) if rtl else line for line in broken]
    return Paragraph("<br/>".join(escape(" ".join(line)) for line in shown), style)


def _allow_a_raised_first_glyph() -> None:
    """Work around ReportLab 5.1: a run whose first glyph is a vowel mark HarfBuzz raised off the
    baseline makes setRise look at the previous operator of an empty list (IndexError)."""
    from reportlab.pdfgen.textobject import PDFTextObject

    original = PDFTextObject.setRise
    if getattr(original, "amana_tolerant", False):
        return

    def set_rise(self: Any, rise: float) -> None:
        if not self._code:
            self._code.append("")
        original(self, rise)

    set_rise.amana_tolerant = True  # type: ignore[attr-defined]  # a marker on our own function
    PDFTextObject.setRise = set_rise


def chart_items(grid: Grid) -> list[tuple[str, Any]]:
    """What the dashboard charts for a table: cases month by month, each category's total over the
    period, or each row's total."""
    if grid.spec.monthly and grid.key != "cases":
        return [(str(column.label), grid.column_totals[column.key]) for column in grid.columns]
    return [(str(row.label), grid.row_totals[row.key]) for row in grid.rows]


def _words(drawing: Any, text: str, *, x: float, y: float, font: str, size: float, anchor: str, rtl: bool) -> None:
    """Draw a chart's text word by word, each word shaped, in display order, starting or ending at x."""
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import shapeStr

    words = display_order(text.split()) if rtl else text.split()
    # Only Arabic script needs shaping; Latin words keep their letters (no "st" or "fi" ligatures).
    shaped = [shapeStr(word, font, size) if _arabic(word) else word for word in words]
    space = size * 0.3
    widths = [
        sum(glyph.x_advance for glyph in word.__shapeData__) * size / 1000
        if hasattr(word, "__shapeData__")
        else stringWidth(word, font, size)
        for word in shaped
    ]
    left = x - (sum(widths) + space * (len(widths) - 1)) if anchor == "end" else x
    for word, width in zip(shaped, widths, strict=True):
        drawing.add(String(left, y, word, fontName=font, fontSize=size))
        left += width + space


def _drawing(chart: Chart, font: str) -> Any:
    from reportlab.graphics.shapes import Drawing, Line, Rect
    from reportlab.lib import colors

    height = chart.height
    drawing = Drawing(chart.width, height)
    for bar in chart.bars:
        flip = height - bar.y - bar.height
        if bar.hidden:
            drawing.add(Line(bar.x, flip, bar.x, flip + bar.height, strokeDashArray=[2, 2]))
        else:
            drawing.add(Rect(bar.x, flip, bar.width, bar.height, fillColor=colors.HexColor("#5b3a8c"), strokeWidth=0))
        place: dict[str, Any] = {"font": font, "size": 10.0, "rtl": chart.rtl}
        _words(drawing, bar.value_text, x=bar.text_x, y=height - bar.text_y, anchor=chart.value_anchor, **place)
        _words(
            drawing, bar.label, x=bar.label_x, y=height - bar.label_y, anchor="end" if chart.rtl else "start", **place
        )
    return drawing


def pdf_bytes(figures: Figures, *, title: str) -> bytes:
    """Title, period, legend, then for every table its chart and its figures."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    if not FONT.is_file():
        raise ImproperlyConfigured(f"The PDF report needs the DejaVu Sans font at {FONT} (Debian: fonts-dejavu-core).")
    pdfmetrics.registerFont(TTFont("AmanaSans", str(FONT), shapable=True))
    _allow_a_raised_first_glyph()
    rtl = get_language_bidi()
    page_width = A4[0] - 48
    styles = {
        name: ParagraphStyle(
            name,
            fontName="AmanaSans",
            fontSize=size,
            leading=size * 1.4,
            alignment=2 if rtl else 0,
            shaping=1 if rtl else 0,
        )
        for name, size in (("heading", 14), ("body", 9), ("cell", 7))
    }

    def text(value: Any, style: str, width: float = page_width) -> Any:
        return paragraph(value, styles[style], width=width, rtl=rtl)

    story: list[Any] = [text(title, "heading"), text(period_text(figures), "body")]
    story += [text(line, "body") for line in legend(figures)]
    for grid in figures.tables:
        story += [Spacer(1, 10), text(grid.title, "body")]
        chart = rows_chart(str(grid.title), chart_items(grid), rtl=rtl)
        story.append(_drawing(chart, "AmanaSans"))
        rows = list(table_rows(grid))
        del rows[1]  # The HXL row is for machines; the PDF is for people.
        widths = [page_width * 0.25] + [page_width * 0.75 / max(len(rows[0]) - 2, 1)] * (len(rows[0]) - 2)
        cells = [
            [text(value, "cell", width - 6) for value, width in zip(row[:-1], widths, strict=True)] for row in rows
        ]
        if rtl:
            cells = [list(reversed(row)) for row in cells]
            widths.reverse()
        table = PdfTable(cells, colWidths=widths, repeatRows=1)
        table.setStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=24, rightMargin=24).build(story)
    return buffer.getvalue()
