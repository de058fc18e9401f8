"""Reading attendance sheets (CSV and XLSX) and writing spreadsheet cells safely.

Sheets come from phones and shared computers and may be hostile: a formula where a number should
be, a zip bomb, a million rows, a file that is not what its name says. Reading never trusts them:
the size is checked before anything is parsed, XLSX is read with openpyxl in read-only mode (with
defusedxml guarding the XML) and never evaluated, formulas are refused, and every row is checked
before anything is saved, so an import is whole or nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import openpyxl
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amana.accounts.forms import western_digits
from amana.community.models import AGE_BAND_STARTS, AgeBand, Sex
from amana.core.cells import FORMULA_STARTS

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# A zip bomb is small on disk and huge unpacked: the unpacked size is checked before opening.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 30
MAX_AGE = 120

SEX, AGE, PRE, POST = "sex", "age", "pre_score", "post_score"
# Column names understood in each language, compared without case, spaces or underscores.
HEADER_ALIASES: dict[str, set[str]] = {
    SEX: {"sex", "gender", "الجنس", "الجنسية", "ڕەگەز", "رەگەز"},
    AGE: {"age", "ageband", "agegroup", "العمر", "الفئةالعمرية", "تەمەن", "گرووپیتەمەن"},
    PRE: {"prescore", "pre", "before", "scorebefore", "الدرجةقبل", "قبل", "قبلالتدريب", "پێش", "نمرەیپێش"},
    POST: {"postscore", "post", "after", "scoreafter", "الدرجةبعد", "بعد", "بعدالتدريب", "دوای", "نمرەیدوای"},
}
SEX_WORDS: dict[str, set[str]] = {
    Sex.FEMALE: {"female", "f", "woman", "girl", "أنثى", "انثى", "امرأة", "إمرأة", "فتاة", "ف", "مێ", "ژن", "کچ"},
    Sex.MALE: {"male", "m", "man", "boy", "ذكر", "رجل", "شاب", "ذ", "نێر", "پیاو", "کوڕ"},
}
AGE_BAND_WORDS: dict[str, set[str]] = {
    AgeBand.UNDER_18: {"under18", "<18", "0-17", "under_18"},
    AgeBand.AGE_18_24: {"18-24", "18_24"},
    AgeBand.AGE_25_39: {"25-39", "25_39"},
    AgeBand.AGE_40_59: {"40-59", "40_59"},
    AgeBand.AGE_60_PLUS: {"60+", "60plus", "60_plus", "60andover"},
}


class SheetRejected(Exception):
    """The whole file cannot be read; the message says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    number: int
    sex: str
    age_band: str
    pre_score: int | None = None
    post_score: int | None = None


@dataclass(frozen=True)
class RowProblem:
    number: int
    reason: str


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    has_scores: bool = False
    ignored_columns: list[str] = field(default_factory=list)


def _squash(text: str) -> str:
    return "".join(text.casefold().split()).replace("_", "").replace("ـ", "")


def _show(value: Any) -> str:
    """A cell's value for an error message: short, on one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= 30 else text[:29] + "…"


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Cell:
    """A raw cell: its value, and whether the file stored it as a formula."""

    __slots__ = ("formula", "value")

    def __init__(self, value: Any, *, formula: bool = False) -> None:
        self.value = value
        self.formula = formula


def read_attendance_sheet(upload: UploadedFile, *, with_scores: bool, max_score: int) -> Sheet:
    """Read an attendance sheet: one row per participant, no names.

    Steps: refuse a file that is too big or of an unknown kind; read the raw cells (CSV or XLSX);
    find the columns in the first row; check every further row, collecting each problem with its
    row number. The caller saves nothing unless the sheet has no problems.
    """
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        raise SheetRejected(
            _("The file is larger than %(limit)s MB. Split it into smaller sheets.")
            % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    name = (upload.name or "").casefold()
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if name.endswith(".csv"):
        cells = _csv_cells(data)
    elif name.endswith(".xlsx"):
        cells = _xlsx_cells(data)
    else:
        raise SheetRejected(_("Upload a CSV file or an Excel workbook (.xlsx)."))
    return _read_rows(cells, with_scores=with_scores, max_score=max_score)


def _csv_cells(data: bytes) -> Iterator[list[_Cell]]:
    # Excel on Arabic Windows saves CSV in Windows-1256; everything else here is UTF-8.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1256", errors="replace")
    if "\x00" in text:
        raise SheetRejected(_("The file could not be read as a CSV sheet. Save it again as CSV (UTF-8)."))
    return _csv_rows(text)


def _csv_rows(text: str) -> Iterator[list[_Cell]]:
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield [_Cell(value) for value in row]
    except csv.Error:
        raise SheetRejected(_("The file could not be read as a CSV sheet. Save it again as CSV (UTF-8).")) from None


def _xlsx_cells(data: bytes) -> Iterator[list[_Cell]]:
    broken = _("The file could not be read as an Excel workbook. Save it again as .xlsx and try once more.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetRejected(broken) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetRejected(
            _("The workbook unpacks to more than %(limit)s MB. Split it into smaller sheets.")
            % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on a malformed file
        raise SheetRejected(broken) from None
    return _xlsx_rows(workbook, broken)


def _xlsx_rows(workbook: Any, broken: str) -> Iterator[list[_Cell]]:
    try:
        if not workbook.worksheets:
            raise SheetRejected(broken)
        sheet = workbook.worksheets[0]
        # Read one column past the limit, so that a sheet with too many columns is noticed.
        for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1):
            cells = [_Cell(cell.value, formula=getattr(cell, "data_type", None) == "f") for cell in row]
            while cells and _is_empty(cells[-1].value) and not cells[-1].formula:
                cells.pop()
            yield cells
    except SheetRejected:
        raise
    except Exception:  # a broken part of the workbook may only show when read
        raise SheetRejected(broken) from None
    finally:
        workbook.close()


def _find_columns(header: list[_Cell]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        if _is_empty(cell.value):
            continue
        squashed = _squash(str(cell.value))
        column = next((name for name, aliases in HEADER_ALIASES.items() if squashed in aliases), None)
        if column is None or column in columns:
            ignored.append(_show(cell.value))
        else:
            columns[column] = index
    return columns, ignored


def _read_rows(cells: Iterable[list[_Cell]], *, with_scores: bool, max_score: int) -> Sheet:
    rows = iter(cells)
    header = next(rows, None)
    if header is None:
        raise SheetRejected(_("The sheet is empty. The first row must name the columns."))
    if len(header) > MAX_COLUMNS:
        raise SheetRejected(
            ngettext(
                "The sheet has more than %(limit)s column.", "The sheet has more than %(limit)s columns.", MAX_COLUMNS
            )
            % {"limit": MAX_COLUMNS}
        )
    columns, ignored = _find_columns(header)
    if SEX not in columns or AGE not in columns:
        raise SheetRejected(
            _("The first row must name the columns: sex and age (and, for a training, pre_score and post_score).")
        )
    has_scores = PRE in columns or POST in columns
    if has_scores and not with_scores:
        raise SheetRejected(_("This sheet has knowledge scores, but scores are kept only for trainings."))
    if has_scores and not (PRE in columns and POST in columns):
        raise SheetRejected(_("Knowledge scores need two columns: pre_score and post_score."))
    sheet = Sheet(has_scores=has_scores, ignored_columns=ignored)
    participants = 0
    for number, row in enumerate(rows, start=2):
        if all(_is_empty(cell.value) for cell in row):
            continue
        participants += 1
        if participants > MAX_ROWS:
            raise SheetRejected(
                ngettext(
                    "The sheet has more than %(limit)s row. Split it into smaller sheets.",
                    "The sheet has more than %(limit)s rows. Split it into smaller sheets.",
                    MAX_ROWS,
                )
                % {"limit": MAX_ROWS}
            )
        _read_row(sheet, number, row, columns, max_score)
    if not sheet.rows and not sheet.problems:
        raise SheetRejected(_("The sheet has no participants under its first row."))
    return sheet


def _cell(row: list[_Cell], index: int | None) -> _Cell:
    return row[index] if index is not None and index < len(row) else _Cell(None)


def _read_row(sheet: Sheet, number: int, row: list[_Cell], columns: dict[str, int], max_score: int) -> None:
    problems: list[str] = []
    sex = _parse(_cell(row, columns[SEX]), _sex, problems, _("sex"))
    age_band = _parse(_cell(row, columns[AGE]), _age_band, problems, _("age"))
    pre = post = None
    if sheet.has_scores:
        pre_cell, post_cell = _cell(row, columns.get(PRE)), _cell(row, columns.get(POST))
        if _is_empty(pre_cell.value) != _is_empty(post_cell.value):
            problems.append(_("give both scores, before and after, or neither."))
        elif not _is_empty(pre_cell.value):
            pre = _parse(pre_cell, lambda value: _score(value, max_score), problems, _("score before"))
            post = _parse(post_cell, lambda value: _score(value, max_score), problems, _("score after"))
    if problems:
        sheet.problems.extend(RowProblem(number, problem) for problem in problems)
        return
    assert sex is not None and age_band is not None  # noqa: S101  # no problems means both were read
    sheet.rows.append(SheetRow(number, sex, age_band, pre, post))


class _Invalid(ValueError):
    pass


def _parse(cell: _Cell, parser: Any, problems: list[str], column: str) -> Any:
    """Parse one cell, or add a problem naming the column and the reason."""
    if cell.formula:
        problems.append(_("the %(column)s cell holds a formula; type the value itself.") % {"column": column})
        return None
    if _is_empty(cell.value):
        problems.append(_("the %(column)s cell is empty.") % {"column": column})
        return None
    if isinstance(cell.value, str) and cell.value.strip().startswith(FORMULA_STARTS):
        problems.append(
            _("the %(column)s cell “%(value)s” looks like a formula and was not read.")
            % {"column": column, "value": _show(cell.value)}
        )
        return None
    try:
        return parser(cell.value)
    except _Invalid as invalid:
        problems.append(str(invalid))
        return None


def _sex(value: Any) -> str:
    word = _squash(str(value)) if isinstance(value, str) else ""
    for sex, words in SEX_WORDS.items():
        if word in words:
            return sex
    raise _Invalid(_("the sex “%(value)s” is not known; write female or male.") % {"value": _show(value)})


def _whole_number(value: Any) -> int | None:
    """An integer from a number or a text of digits (Arabic-Indic digits too); None otherwise."""
    if isinstance(value, bool | datetime | date | time):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = western_digits(value.strip())
        if text.isascii() and text.isdigit() and len(text) <= 6:
            return int(text)
    return None


def _age_band(value: Any) -> str:
    age = _whole_number(value)
    if age is not None:
        if not 0 <= age <= MAX_AGE:
            raise _Invalid(_("the age %(value)s is not possible.") % {"value": _show(value)})
        return [band for start, band in AGE_BAND_STARTS if age >= start][-1]
    word = western_digits(_squash(str(value))).replace("\N{EN DASH}", "-") if isinstance(value, str) else ""
    for band, words in AGE_BAND_WORDS.items():
        if word in words:
            return band
    raise _Invalid(
        _("the age “%(value)s” is neither an age in years nor an age band such as 18-24.") % {"value": _show(value)}
    )


def _score(value: Any, max_score: int) -> int:
    score = _whole_number(value)
    if score is None or not 0 <= score <= max_score:
        raise _Invalid(
            _("the score “%(value)s” is not a whole number from 0 to %(max)s.")
            % {"value": _show(value), "max": max_score}
        )
    return score
