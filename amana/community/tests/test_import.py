"""Attendance sheets: valid, invalid and hostile ones, all made here in the tests."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from amana.community import sheets
from amana.community.models import Attendance, KnowledgeScore
from amana.community.tests.conftest import make_forum, make_training
from amana.core import cells


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def upload(client: Any, url: str, name: str, content: bytes) -> Any:
    return client.post(url, {"sheet": SimpleUploadedFile(name, content)})


@pytest.fixture
def forum_url(personas: Any) -> str:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    return f"/staff/community/forums/{forum.pk}/attendance/import/"


@pytest.fixture
def training(personas: Any) -> Any:
    return make_training(personas.me_officer, max_score=10)


def counts() -> list[tuple[str, str, int]]:
    return sorted(Attendance.objects.values_list("sex", "age_band", "count"))


def test_a_valid_csv_sheet_is_counted_by_sex_and_age_band(personas, login, forum_url) -> None:
    content = csv_bytes("sex,age\nfemale,19\nF,22\nmale,45\nfemale,16\n")
    response = upload(login(personas.me_officer), forum_url, "attendance.csv", content)
    assert response.status_code == 302
    assert counts() == [("female", "18_24", 2), ("female", "under_18", 1), ("male", "40_59", 1)]


def test_a_valid_xlsx_sheet_with_arabic_headers_digits_and_scores_fills_a_training(personas, login, training) -> None:
    content = xlsx([["الجنس", "العمر", "الدرجة قبل", "الدرجة بعد"], ["أنثى", "١٩", 4, 8], ["ذكر", "25-39", 5.0, 9]])
    url = f"/staff/community/activities/{training.pk}/attendance/import/"
    response = upload(login(personas.me_officer), url, "حضور.XLSX", content)
    assert response.status_code == 302
    assert counts() == [("female", "18_24", 1), ("male", "25_39", 1)]
    assert list(KnowledgeScore.objects.values_list("seat", "pre_score", "post_score")) == [(1, 4, 8), (2, 5, 9)]


def test_a_windows_arabic_csv_is_read(personas, login, forum_url) -> None:
    content = csv_bytes("الجنس,العمر\r\nأنثى,30\r\n", encoding="cp1256")
    assert upload(login(personas.me_officer), forum_url, "a.csv", content).status_code == 302
    assert counts() == [("female", "25_39", 1)]


def test_importing_the_same_sheet_twice_does_not_double_the_figures(personas, login, forum_url) -> None:
    client = login(personas.me_officer)
    content = csv_bytes("sex,age\nfemale,19\nmale,30\n")
    upload(client, forum_url, "a.csv", content)
    upload(client, forum_url, "a.csv", content)
    assert counts() == [("female", "18_24", 1), ("male", "25_39", 1)]


def test_every_invalid_row_is_listed_and_nothing_is_imported(personas, login, forum_url) -> None:
    client = login(personas.me_officer)
    upload(client, forum_url, "first.csv", csv_bytes("sex,age\nfemale,30\n"))
    content = csv_bytes("sex,age\nfemale,19\nunknown,20\nmale,\nfemale,200\nmale,abc\n\nfemale,22\n")
    response = upload(client, forum_url, "second.csv", content)
    page = response.content.decode()
    assert response.status_code == 400
    for row in ("3", "4", "5", "6"):
        assert f"Row {row}:" in page or f"الصف {row}:" in page, row
    assert "Row 2:" not in page and "الصف 2:" not in page
    # What was saved before stays, and nothing of the second sheet is saved.
    assert counts() == [("female", "25_39", 1)]


def read(content: bytes, name: str, *, with_scores: bool = False) -> sheets.Sheet:
    with translation.override("en"):
        return sheets.read_attendance_sheet(SimpleUploadedFile(name, content), with_scores=with_scores, max_score=10)


def reasons(sheet: sheets.Sheet) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for problem in sheet.problems:
        found.setdefault(problem.number, []).append(problem.reason)
    return found


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(1)", '=HYPERLINK("http://x.invalid")'])
def test_a_formula_typed_into_a_csv_cell_is_refused(db, cell) -> None:
    sheet = read(csv_bytes(f"sex,age\n{cell},20\nfemale,{cell}\n"), "a.csv")
    assert not sheet.rows
    assert sorted(reasons(sheet)) == [2, 3]
    assert all("formula" in reason for row in reasons(sheet).values() for reason in row)


def test_a_formula_cell_in_a_workbook_is_refused_and_never_stored(personas, login, forum_url) -> None:
    content = xlsx([["sex", "age"], ["female", "=10+9"], ["=CHAR(102)", 30]])
    response = upload(login(personas.me_officer), forum_url, "a.xlsx", content)
    assert response.status_code == 400
    assert "formula" in response.content.decode() or "صيغة" in response.content.decode()
    assert not Attendance.objects.exists()


def test_wrong_types_are_refused_row_by_row(db) -> None:
    content = xlsx(
        [
            ["sex", "age", "pre_score", "post_score"],
            ["female", date(2000, 1, 1), 3, 4],
            ["female", True, 3, 4],
            ["male", 20.5, 3, 4],
            ["male", 20, 3.5, 4],
            ["male", 20, 3, 11],
            ["male", 20, 3, None],
            [1, 20, 3, 4],
        ]
    )
    sheet = read(content, "a.xlsx", with_scores=True)
    assert not sheet.rows
    assert sorted(reasons(sheet)) == [2, 3, 4, 5, 6, 7, 8]


def test_scores_are_refused_for_a_forum(personas, login, forum_url) -> None:
    response = upload(
        login(personas.me_officer), forum_url, "a.csv", csv_bytes("sex,age,pre_score,post_score\nfemale,20,3,4\n")
    )
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_a_message(personas, login, forum_url) -> None:
    content = b"sex,age\n" + b"female,20\n" * (sheets.MAX_UPLOAD_BYTES // 10 + 1)
    response = upload(login(personas.me_officer), forum_url, "big.csv", content)
    assert response.status_code == 400
    assert "أكبر من 2 ميغابايت" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_sheet_with_too_many_rows_is_refused(db) -> None:
    content = csv_bytes("sex,age\n" + "female,20\n" * (sheets.MAX_ROWS + 1))
    with pytest.raises(sheets.SheetRejected) as rejected:
        read(content, "a.csv")
    assert str(sheets.MAX_ROWS) in rejected.value.message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(db) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (sheets.MAX_UNPACKED_BYTES + 1))
    assert len(buffer.getvalue()) < sheets.MAX_UPLOAD_BYTES
    with pytest.raises(sheets.SheetRejected) as rejected:
        read(buffer.getvalue(), "bomb.xlsx")
    assert "MB" in rejected.value.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.xlsx", b"PK\x03\x04 this is not a workbook"),
        ("broken.xlsx", b"\x00\x01\x02 not even a zip"),
        ("empty-zip.xlsx", b"PK\x05\x06" + b"\x00" * 18),
        ("binary.csv", b"sex,age\x00\nfemale,\x0020"),
        ("empty.csv", b""),
        ("header-only.csv", b"sex,age\n"),
        ("no-columns.csv", b"name,phone\nx,y\n"),
        ("notes.txt", b"sex,age\nfemale,20\n"),
    ],
)
def test_a_broken_or_wrong_file_gets_a_clear_message_not_an_error(personas, login, forum_url, name, content) -> None:
    response = upload(login(personas.me_officer), forum_url, name, content)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_workbook_whose_xml_is_broken_gets_a_clear_message(db) -> None:
    good = xlsx([["sex", "age"], ["female", 20]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, b"<worksheet><sheetData><row" if "sheet1" in item.filename else data)
    with pytest.raises(sheets.SheetRejected):
        read(buffer.getvalue(), "a.xlsx")


def test_an_xml_entity_bomb_is_refused(db) -> None:
    good = xlsx([["sex", "age"], ["female", 20]])
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, bomb if "sheet1" in item.filename else source.read(item.filename))
    with pytest.raises(sheets.SheetRejected):
        read(buffer.getvalue(), "a.xlsx")


def test_the_blank_sheets_read_back_as_valid(personas, login, training) -> None:
    client = login(personas.me_officer)
    for fmt in ("csv", "xlsx"):
        content = client.get(f"/staff/community/attendance-sheet.{fmt}").content
        sheet = read(content, f"blank.{fmt}", with_scores=True)
        assert (len(sheet.rows), sheet.problems) == (2, [])


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx"])
def test_safe_cell_turns_formula_signs_into_text(value) -> None:
    assert cells.safe_cell(value) == "'" + value
    assert cells.safe_cell("plain text") == "plain text"
    assert cells.safe_cell(5) == 5
