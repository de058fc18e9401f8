"""Exports of the released figures: CSV and XLSX with an HXL hashtag row, GBVIMS, and a PDF.

Every export is laid out from one ``Figures`` read from the release, so each figure is the same in
every file, page and chart. A CSV holds one table (HXL tools read one table per file); the XLSX holds
them all, one sheet each, and a sheet with the legend. Cells hold only numbers, the marks and our
own labels, so no spreadsheet program can mistake one for a formula. The last column says whether a
row is data, reports counted late, or the total (HXL ``#meta+rowtype``), so that HXL tools never add
the total row in as data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from amana.insights.gbvims import IncidentType, TechnologyContext
from amana.insights.protection import Shown
from amana.insights.selectors import Figures, Grid

ROW_TYPE_HXL = "#meta+rowtype"


def _value(figure: Shown) -> Any:
    return figure.text() if figure.value is None else figure.value


def _columns(grid: Grid) -> list[Any]:
    return [] if grid.key == "cases" else grid.columns


def hxl_tags(grid: Grid) -> list[str]:
    spec = grid.spec
    first = "#date+reported" if spec.monthly else spec.row_hxl or "#indicator"
    columns = [column.hxl or spec.people for column in _columns(grid)]
    return [first, *columns, f"{spec.people}+total", ROW_TYPE_HXL]


def table_rows(grid: Grid) -> Iterator[list[Any]]:
    """Header, HXL hashtags, one line per row, then the totals; hidden figures as "<5"."""
    columns = _columns(grid)
    heading = _("Month") if grid.spec.monthly else _("Category")
    yield [heading, *[str(column.label) for column in columns], _("Total"), _("Row")]
    yield hxl_tags(grid)
    for row in grid.rows:
        cells = [_value(grid.cells[(row.key, column.key)]) for column in columns]
        yield [str(row.label), *cells, _value(grid.row_totals[row.key]), grid.row_kinds[row.key]]
    totals = [_value(grid.column_totals[column.key]) for column in columns]
    yield [_("Total"), *totals, _value(grid.total), "total"]


def legend(figures: Figures) -> list[str]:
    """One legend for every page, chart and file, in every language."""
    mark = f"<{figures.threshold}"
    return [
        _("Only cases whose survivor agreed to be counted in anonymous figures are included."),
        _(
            "Every figure comes from the release of a closed month and carries a small random change, "
            "so that no figure can be worked back to one person; parts may not add up exactly to the totals."
        ),
        _(
            "“%(mark)s” marks a figure below %(threshold)s after that change: "
            "it is not shown, and adds nothing to any total."
        )
        % {"mark": mark, "threshold": figures.threshold},
        _("“0” in a category that cannot occur in what amana records is a true zero, not a hidden figure."),
    ]


def csv_bytes(grid: Grid) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(table_rows(grid))
    # A byte-order mark tells Excel the file is UTF-8, so Arabic shows as Arabic.
    return ("\ufeff" + text.getvalue()).encode()


def period_text(figures: Figures) -> str:
    period = figures.period
    return _("%(first)s to %(last)s") % {"first": period.first.strftime("%Y-%m"), "last": period.last.strftime("%Y-%m")}


def xlsx_bytes(figures: Figures) -> bytes:
    workbook = openpyxl.Workbook()
    about = workbook.active
    about.title = _("About")[:31]
    about.sheet_view.rightToLeft = get_language_bidi()
    about.append([_("Period"), period_text(figures)])
    for line in legend(figures):
        about.append([line])
    for index, grid in enumerate(figures.tables, start=1):
        sheet = workbook.create_sheet(f"{index} {grid.key}"[:31])
        sheet.sheet_view.rightToLeft = get_language_bidi()
        for row in table_rows(grid):
            sheet.append(row)
        sheet.append([])
        sheet.append([str(grid.title)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def gbvims_rows(figures: Figures) -> Iterator[list[Any]]:
    """The GBVIMS table as a focal point reads it: the six core types, by technology-facilitated context.

    Types that cannot occur in what amana records are true zeros, never hidden; the context is what the
    caseworker recorded at intake.
    """
    grid = figures.table("incident_type")
    contexts = list(TechnologyContext)
    yield [_("Incident type (GBVIMS)"), *[str(context.label) for context in contexts], _("Total"), _("Row")]
    yield [
        "#indicator+gbvims+type",
        *[f"#affected+f+num+tfgbv_{c.value}" for c in contexts],
        "#affected+f+num+total",
        ROW_TYPE_HXL,
    ]
    if grid is None:
        return
    for kind in IncidentType:
        cells = [_value(grid.cells[(kind.value, context.value)]) for context in contexts]
        yield [str(kind.label), *cells, _value(grid.row_totals[kind.value]), "data"]
    yield [_("Total"), *[_value(grid.column_totals[c.value]) for c in contexts], _value(grid.total), "total"]


def gbvims_bytes(figures: Figures) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerows(gbvims_rows(figures))
    writer.writerow([])
    writer.writerow([_("Period"), period_text(figures)])
    for line in legend(figures):
        writer.writerow([line])
    return ("\ufeff" + text.getvalue()).encode()
