"""Spreadsheets the programme hands out: action-point lists and the blank attendance sheet.

Every text cell goes through core.cells.safe_cell, so text typed at a forum that starts with a formula
sign is shown as text by Excel or LibreOffice and never run.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl
from django.http import HttpResponse

from amana.core.cells import safe_cell

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_response(
    *, filename: str, fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV or XLSX download of the header and rows, every cell made safe."""
    safe_rows = [[safe_cell(value) for value in row] for row in [header, *rows]]
    if fmt == "xlsx":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in safe_rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        text = io.StringIO()
        csv.writer(text).writerows(safe_rows)
        # A byte-order mark tells Excel the file is UTF-8, so Arabic shows as Arabic.
        response = HttpResponse("\ufeff" + text.getvalue(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
