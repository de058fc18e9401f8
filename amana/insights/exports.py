"""Donor exports of the suppressed indicators: CSV and XLSX with an HXL hashtag row, and a PDF.

Every export is built from one ``Suppressed`` result, so each number is hidden in every file and
table alike. A CSV holds one table (HXL tools read one table per file); the XLSX holds them all, one
sheet each, and a sheet that explains what the marks mean. Cells hold only numbers, the marks and
our own labels, so no spreadsheet program can mistake one for a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from amana.insights.charts import PROTECTING, shown_text
from amana.insights.selectors import Indicators
from amana.insights.tables import Suppressed, Table

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TOTAL_HXL = "#affected+f+num+total"


def _hxl(table: Table, tag: str) -> str:
    return f"#affected+f+num{tag}" if tag else "#affected+f+num"


def table_rows(figures: Suppressed, table: Table) -> Iterator[list[Any]]:
    """Header, HXL hashtags, one line per row, then the totals; hidden numbers as their mark."""

    def text(var: Any) -> Any:
        shown = figures.shown(var)
        return shown.value if shown.value is not None else shown_text(shown, figures.threshold)

    yield [table.row_heading.label, *[column.label for column in table.columns], _("Total")]
    yield [table.row_heading.hxl or "#category", *[_hxl(table, column.hxl) for column in table.columns], TOTAL_HXL]
    for row in table.rows:
        yield [row.label, *[text(table.cell_var(row.key, c.key)) for c in table.columns], text(table.row_var(row.key))]
    yield [_("Total"), *[text(table.column_var(c.key)) for c in table.columns], text(table.total_var())]


def legend(threshold: int) -> list[str]:
    return [
        _("Only cases whose survivor agreed to be counted in anonymous figures are included."),
        _("“<%(threshold)s” stands for a number below %(threshold)s, hidden so that it cannot point at anyone.")
        % {"threshold": threshold},
        _("“%(mark)s” stands for a number hidden so that a small number elsewhere cannot be worked out from it.")
        % {"mark": PROTECTING},
    ]


def csv_bytes(figures: Suppressed, table: Table) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(table_rows(figures, table))
    # A byte-order mark tells Excel the file is UTF-8, so Arabic shows as Arabic.
    return ("\ufeff" + text.getvalue()).encode()


def xlsx_bytes(indicators: Indicators) -> bytes:
    figures = indicators.figures
    workbook = openpyxl.Workbook()
    about = workbook.active
    about.title = _("About")[:31]
    about.sheet_view.rightToLeft = get_language_bidi()
    about.append([_("Period"), period_text(indicators)])
    for line in legend(figures.threshold):
        about.append([line])
    for index, table in enumerate(figures.tables, start=1):
        sheet = workbook.create_sheet(f"{index} {table.key}"[:31])
        sheet.sheet_view.rightToLeft = get_language_bidi()
        for row in table_rows(figures, table):
            sheet.append(row)
        sheet.append([])
        sheet.append([table.title])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def period_text(indicators: Indicators) -> str:
    period = indicators.period
    return _("%(first)s to %(last)s") % {"first": period.first.strftime("%Y-%m"), "last": period.last.strftime("%Y-%m")}


def _visual(text: str) -> str:
    """Arabic script joined into its letter forms and put in display order, as a PDF page needs."""
    import arabic_reshaper
    from bidi import get_display

    return str(get_display(arabic_reshaper.reshape(text)))


def pdf_bytes(indicators: Indicators, *, title: str) -> bytes:
    """The report as PDF: title, period, the legend, then every table (mirrored in Arabic and Kurdish)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    if not FONT.is_file():
        raise ImproperlyConfigured(f"The PDF report needs the DejaVu Sans font at {FONT} (Debian: fonts-dejavu-core).")
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    rtl = get_language_bidi()
    align = 2 if rtl else 0
    heading = ParagraphStyle("heading", fontName="DejaVuSans", fontSize=14, leading=18, alignment=align)
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=9, leading=12, alignment=align)
    figures = indicators.figures
    story: list[Any] = [Paragraph(_visual(title), heading), Paragraph(_visual(period_text(indicators)), body)]
    story += [Paragraph(_visual(line), body) for line in legend(figures.threshold)]
    for table in figures.tables:
        rows = [[_visual(str(cell)) for cell in row] for row in table_rows(figures, table)]
        del rows[1]  # The HXL row is for machines; the PDF is for people.
        if rtl:
            rows = [list(reversed(row)) for row in rows]
        grid = PdfTable(rows, repeatRows=1)
        grid.setStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (0, 0), (-1, -1), "RIGHT" if rtl else "LEFT"),
            ]
        )
        story += [Spacer(1, 10), Paragraph(_visual(table.title), body), grid]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, leftMargin=24, rightMargin=24).build(story)
    return buffer.getvalue()
