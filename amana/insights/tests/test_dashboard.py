"""The dashboard and its exports: who may see them, what they count, and what they hide."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from django.conf import settings as django_settings
from pypdf import PdfReader

from amana.accounts.models import Role
from amana.cases.models import Channel
from amana.insights.charts import PROTECTING
from amana.insights.tests.conftest import counted_cases

PERIOD = {"first": "2025-01", "last": "2025-06"}
FORBIDDEN = ["caseworker", "org_admin", "system_admin", "cpt_member", "liaison", "provider_staff", "outsider"]


@pytest.fixture
def cases(personas):
    web = counted_cases(personas.ngo, 6, channel=Channel.WEB)
    hotline = counted_cases(personas.ngo, 2, channel=Channel.HOTLINE)
    refused = counted_cases(personas.ngo, 3, consent=False, channel=Channel.IN_PERSON)
    april = counted_cases(personas.ngo, 5, channel=Channel.WEB, month_reported=date(2025, 4, 1))
    return web, hotline, refused, april


def table_from_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("who", FORBIDDEN)
def test_it_refuses_everyone_but_me_and_supervisors(personas, login, who) -> None:
    client = login(getattr(personas, who))
    assert client.get("/staff/insights/").status_code == 403
    for fmt in ("csv", "xlsx", "pdf"):
        assert client.get(f"/staff/insights/export.{fmt}", {**PERIOD, "table": "channel"}).status_code == 403


def test_it_sends_strangers_to_sign_in(client) -> None:
    response = client.get("/staff/insights/")
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_it_counts_only_cases_whose_survivor_agreed(personas, login, cases) -> None:
    response = login(personas.me_officer).get("/staff/insights/export.csv", {**PERIOD, "table": "channel"})
    assert response.status_code == 200
    rows = table_from_csv(response.content)
    march = next(row for row in rows if row[0] == "2025-03")
    header = rows[0]
    # Six web cases are published; two by hotline are hidden, the three without consent are not there.
    assert march[header.index(str(Channel.WEB.label))] == PROTECTING
    assert march[header.index(str(Channel.HOTLINE.label))] == "<5"
    assert march[header.index(str(Channel.IN_PERSON.label))] == "<5"
    assert march[-1] == "8"
    assert rows[-1][-1] == "13"


def test_it_hides_what_would_reveal_a_small_count(personas, login, cases) -> None:
    response = login(personas.me_officer).get("/staff/insights/", PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;5" in html
    assert "<svg" in html and "<script" not in html
    figures = response.context["result"].figures
    channel = next(t for t in figures.tables if t.key == "channel")
    assert figures.shown(channel.cell_var("2025-03-01", Channel.HOTLINE)).hidden
    assert figures.shown(channel.cell_var("2025-03-01", Channel.WEB)).hidden
    assert figures.shown(channel.row_var("2025-03-01")).value == 8


def test_it_shows_a_supervisor_only_her_own_organisation(personas, login, cases) -> None:
    counted_cases(personas.other_ngo, 5, channel=Channel.WEB)
    me = login(personas.me_officer).get("/staff/insights/", PERIOD).context["result"].figures
    supervisor = login(personas.supervisor).get("/staff/insights/", PERIOD).context["result"].figures
    assert me.values[("total", "cases")] == 18
    assert supervisor.values[("total", "cases")] == 13


def test_it_compares_the_months_before_and_after_an_activity(personas, login, cases) -> None:
    response = login(personas.me_officer).get("/staff/insights/", {**PERIOD, "around": "2025-04", "window": "1"})
    sums = response.context["sums"]
    # April's total is hidden (it would show that the empty months add up to nothing), so the sum
    # of the months from April on, which is April alone here, is hidden with it.
    assert [(months, text) for _label, months, text in sums] == [("2025-03", "8"), ("2025-04", PROTECTING)]


@pytest.mark.parametrize(
    "query",
    [
        {"first": "", "last": ""},
        {"first": "March", "last": "2025-06"},
        {"first": "2025-06", "last": "2025-01"},
        {"first": "2020-01", "last": "2025-06"},
        {"first": "2025-01", "last": "2025-06", "window": "99"},
        {"first": "2025-01" * 500, "last": "2025-06"},
        {"first": "2025-01", "last": "2025-06", "district": "<script>"},
    ],
)
def test_it_answers_bad_periods_with_a_message(personas, login, query) -> None:
    client = login(personas.me_officer)
    response = client.get("/staff/insights/", query)
    assert response.status_code == 400
    assert b'class="errorlist"' in response.content
    assert client.get("/staff/insights/export.xlsx", query).status_code == 400


def test_it_refuses_unknown_formats_and_tables(personas, login) -> None:
    client = login(personas.me_officer)
    assert client.get("/staff/insights/export.exe", PERIOD).status_code == 404
    assert client.get("/staff/insights/export.csv", {**PERIOD, "table": "identity"}).status_code == 404


def test_its_xlsx_opens_with_the_hxl_row_under_the_headers(personas, login, cases) -> None:
    response = login(personas.me_officer).get("/staff/insights/export.xlsx", PERIOD)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    sheets = workbook.sheetnames
    assert len(sheets) == 10
    for name in sheets[1:]:
        rows = list(workbook[name].iter_rows(values_only=True))
        assert all(str(tag).startswith("#") for tag in rows[1] if tag)
        assert rows[1][-1] == "#affected+f+num+total"
    channel = list(workbook[sheets[1]].iter_rows(values_only=True))
    assert channel[1][0] == "#date+reported"
    assert any(row[0] == "2025-03" and row[-1] == 8 for row in channel)
    assert channel[-3][-1] == 13


def test_its_csv_has_the_hxl_row(personas, login, cases) -> None:
    rows = table_from_csv(
        login(personas.me_officer).get("/staff/insights/export.csv", {**PERIOD, "table": "platform"}).content
    )
    assert rows[1][0] == "#date+reported"
    assert rows[1][1].startswith("#affected+f+num+platform_")


def test_its_arabic_pdf_reads_in_the_right_order(personas, login, cases) -> None:
    client = login(personas.me_officer)
    client.cookies["django_language"] = "ar"
    response = client.get("/staff/insights/export.pdf", PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # The words come out in reading order (logical order), in their joined letter forms.
    import arabic_reshaper

    assert arabic_reshaper.reshape("أرقام البرنامج") in text
    assert "2025-03" in text


def test_it_records_each_export_in_the_audit_log(personas, login, cases) -> None:
    from amana.audit.models import AuditEntry

    login(personas.me_officer).get("/staff/insights/export.xlsx", PERIOD)
    assert AuditEntry.objects.filter(action="insights.exported.xlsx").count() == 1


def test_it_refuses_a_threshold_below_three() -> None:
    env = {**os.environ, "AMANA_SUPPRESSION_THRESHOLD": "2", "DJANGO_SETTINGS_MODULE": "amana.settings"}
    run = subprocess.run(  # our own interpreter and settings module
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "AMANA_SUPPRESSION_THRESHOLD must be at least 3" in run.stderr


def test_it_follows_a_configured_threshold(personas, login, cases, settings) -> None:
    counted_cases(personas.ngo, 4, channel=Channel.IN_PERSON)
    client = login(personas.me_officer)
    four = ("cell", "channel", "2025-03-01", Channel.IN_PERSON.value)
    assert four in client.get("/staff/insights/", PERIOD).context["result"].figures.primary
    settings.AMANA_SUPPRESSION_THRESHOLD = 3
    figures = client.get("/staff/insights/", PERIOD).context["result"].figures
    assert figures.threshold == 3
    assert four not in figures.primary


def test_it_is_on_the_menu_of_me_officers_only(personas) -> None:
    from amana.core.menu import sections_for

    assert any(s.url.startswith("/staff/insights/") for s in sections_for(personas.me_officer))
    assert not any(s.url.startswith("/staff/insights/") for s in sections_for(personas.caseworker))
    assert Role.ME_OFFICER in personas.me_officer.roles


def test_it_counts_high_risk_cases_as_urgent(personas, login) -> None:
    counted_cases(personas.ngo, 5, risk_level="high")
    counted_cases(personas.ngo, 5, danger_now=True)
    figures = login(personas.me_officer).get("/staff/insights/", PERIOD).context["result"].figures
    urgent = next(t for t in figures.tables if t.key == "urgent")
    assert urgent.count("2025-03-01", "urgent") == 10
    assert urgent.count("2025-03-01", "not_urgent") == 0
