"""The PDF report: the legend, every chart and every table, shaped for Arabic and Kurdish (Sorani).

ReportLab draws the pages; HarfBuzz (through uharfbuzz) shapes the text with the font's own tables,
so every letter takes its joined form (Kurdish ە ێ ڵ ڕ included, which have no "presentation form"
code points to fall back on) and vowel marks stay on their letters. Right-to-left paragraphs are laid
out by ReportLab's bidi support; figures such as "<5" are isolated left to right, so they read the
same as in the tables and charts on screen, never mirrored.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from amana.insights.charts import Chart, rows_chart
from amana.insights.exports import legend, period_text, table_rows
from amana.insights.selectors import Figures, Grid

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


def isolated(value: Any) -> str:
    """A figure or month as its own left-to-right island inside a right-to-left line."""
    text = str(value)
    return f"{LTR_ISOLATE}{text}{POP_ISOLATE}" if text and not any("\u0600" <= c <= "\u06ff" for c in text) else text


def chart_items(grid: Grid) -> list[tuple[str, Any]]:
    """What the dashboard charts for a table: each month's total, or each row's total."""
    return [(str(row.label), grid.row_totals[row.key]) for row in grid.rows]


def _drawing(chart: Chart, font: str) -> Any:
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    height = chart.height
    drawing = Drawing(chart.width, height)
    for bar in chart.bars:
        flip = height - bar.y - bar.height
        if bar.hidden:
            drawing.add(Line(bar.x, flip, bar.x, flip + bar.height, strokeDashArray=[2, 2]))
        else:
            drawing.add(Rect(bar.x, flip, bar.width, bar.height, fillColor=colors.HexColor("#5b3a8c"), strokeWidth=0))
        anchor = "end" if chart.value_anchor == "end" else "start"
        drawing.add(String(bar.text_x, height - bar.text_y, bar.value_text, fontName=font, fontSize=10, textAnchor=anchor))
        label_anchor = "end" if chart.rtl else "start"
        drawing.add(String(bar.label_x, height - bar.label_y, bar.label, fontName=font, fontSize=10, textAnchor=label_anchor))
    return drawing


def pdf_bytes(figures: Figures, *, title: str) -> bytes:
    """Title, period, legend, then for every table its chart and its figures."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    if not FONT.is_file():
        raise ImproperlyConfigured(f"The PDF report needs the DejaVu Sans font at {FONT} (Debian: fonts-dejavu-core).")
    pdfmetrics.registerFont(TTFont("AmanaSans", str(FONT), shapable=True))
    rtl = get_language_bidi()
    direction = {"alignment": 2, "wordWrap": "RTL"} if rtl else {"alignment": 0}
    heading = ParagraphStyle("heading", fontName="AmanaSans", fontSize=14, leading=20, **direction)
    body = ParagraphStyle("body", fontName="AmanaSans", fontSize=9, leading=13, **direction)
    cell = ParagraphStyle("cell", fontName="AmanaSans", fontSize=7, leading=9, **direction)
    story: list[Any] = [Paragraph(title, heading), Paragraph(period_text(figures), body)]
    story += [Paragraph(line, body) for line in legend(figures)]
    for grid in figures.tables:
        story += [Spacer(1, 10), Paragraph(str(grid.title), body)]
        chart = rows_chart(str(grid.title), chart_items(grid), rtl=rtl)
        story.append(_drawing(chart, "AmanaSans"))
        rows = list(table_rows(grid))
        del rows[1]  # The HXL row is for machines; the PDF is for people.
        cells = [[Paragraph(isolated(value), cell) for value in row[:-1]] for row in rows]
        if rtl:
            cells = [list(reversed(row)) for row in cells]
        table = PdfTable(cells, repeatRows=1)
        table.setStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=24, rightMargin=24).build(story)
    return buffer.getvalue()
