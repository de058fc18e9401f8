"""A monitoring officer's attack on the published figures, as the issue describes it, must fail.

Seeded: 60 cases over five months with rare categories (a lone hotline call, two peace-team cases,
one girl under 15 in Hammam al-Alil on Telegram), and a few cases of another NGO. Fetched: every
period range, every area and every export as every role that sees figures. Solved: all published
figures together (adversary.Reader). Asserted: no hidden count from 1 to 4 is recovered, none is
published, and no hidden released value can be worked back from a total.

Run against the code before releases (figures queried and suppressed per request), the same test
recovers October-style counts by subtracting overlapping periods and roles: that is why it exists.
"""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date

import openpyxl
import pytest
from django.utils.translation import override

from amana.cases.models import AgeBand, Channel, District, Platform
from amana.insights.tests.adversary import Atom, Reader
from amana.insights.tests.conftest import counted_cases

MONTHS = [date(2025, month, 1) for month in (1, 2, 3, 4, 5)]
CASE_TABLES = {"channel": Channel, "platform": Platform, "district": District, "age_band": AgeBand}
THRESHOLD = 5


def seed(personas) -> None:
    common = {"channel": Channel.WEB, "platform": Platform.WHATSAPP, "district": District.QAYYARAH}
    common["age_band"] = AgeBand.FROM_18_TO_24
    for month in MONTHS[:4]:
        counted_cases(personas.ngo, 12, month_reported=month, **common)
    # A quiet month, as October was: two reports, both by web form.
    counted_cases(personas.ngo, 1, month_reported=MONTHS[4], **common)
    counted_cases(personas.ngo, 1, month_reported=MONTHS[4], **{**common, "platform": Platform.FACEBOOK})
    rare = [
        (MONTHS[1], {"channel": Channel.HOTLINE}),
        (MONTHS[2], {"channel": Channel.PEACE_TEAM}),
        (MONTHS[2], {"channel": Channel.PEACE_TEAM, "platform": Platform.FACEBOOK}),
        (MONTHS[3], {"platform": Platform.TELEGRAM, "district": District.HAMMAM_AL_ALIL, "age_band": AgeBand.UNDER_15}),
        (MONTHS[3], {"platform": Platform.FACEBOOK, "age_band": AgeBand.FROM_15_TO_17}),
        (MONTHS[0], {"district": District.MOSUL_CITY}),
        (MONTHS[0], {"district": District.MOSUL_CITY, "age_band": AgeBand.FROM_35}),
        (MONTHS[1], {"platform": Platform.INSTAGRAM}),
    ]
    for month, changes in rare:
        counted_cases(personas.ngo, 1, month_reported=month, **{**common, **changes})
    # Another NGO's cases: a population that only a programme-wide total would include.
    counted_cases(personas.other_ngo, 2, month_reported=MONTHS[2], **{**common, "channel": Channel.PEACE_TEAM})


def release_everything(personas) -> bool:
    """Make the releases where the code has them; False where figures are still queried live."""
    try:
        from amana.insights.services import make_release
    except ImportError:
        return False
    for organisation in (personas.ngo, personas.other_ngo):
        for month in MONTHS:
            make_release(organisation=organisation, month=month)
    return True


def categories(table: str) -> dict[str, str]:
    with override("en"):
        return {str(label): str(value) for value, label in CASE_TABLES[table].choices}


def areas() -> list[str]:
    return ["", *District.values]


def parse_grid(rows: list[list[object]]) -> tuple[list[str], list[list[object]]]:
    """Header and body of an exported table, without the hashtag row and the row-type column."""
    rows = [list(row) for row in rows if any(cell not in (None, "") for cell in row)]
    header, tags = [str(cell) for cell in rows[0]], rows[1]
    body = [row for row in rows[2:] if len(row) == len(header)]
    if tags[-1] == "#meta+rowtype":
        header, body = header[:-1], [row[:-1] for row in body]
    return header, body


def atoms(table: str, organisations: list[int], months: list[date], area: str, cats: list[str]) -> list[Atom]:
    districts = [area] if area else District.values
    return [
        (table, f"{org}:{month:%Y-%m}", district, cat)
        for org in organisations
        for month in months
        for district in districts
        for cat in cats
    ]


def read_table(reader: Reader, table: str, rows: list[list[object]], *, months, area, organisations, exact) -> list:
    """Every figure of one exported table into the reader; returns (form, figure) pairs."""
    header, body = parse_grid(rows)
    known = categories(table)
    columns = [known.get(label) for label in header[1:-1]]
    every = list(known.values())
    figures = []
    for row in body:
        label = str(row[0])
        if label in {m.strftime("%Y-%m") for m in months}:
            row_months = [m for m in months if m.strftime("%Y-%m") == label]
        elif row is body[-1]:
            row_months = months
        else:
            continue  # reports counted late: none in this data
        for column, cell in zip([*columns, "total"], row[1:], strict=True):
            cats = every if column == "total" else [column]
            if column is None:
                continue
            form = atoms(table, organisations, row_months, area, cats)
            figures.append((frozenset(form), cell))
            if not exact:
                continue
            if isinstance(cell, int) or (isinstance(cell, str) and cell.isdigit()):
                reader.learn(form, int(cell))
            elif cell == f"<{THRESHOLD}":
                reader.learn_small(form, THRESHOLD)
    return figures


def same_people(reader: Reader, organisations: list[int]) -> None:
    """Every case table counts the same cases of a month and district."""
    tables = list(CASE_TABLES)
    for org, month, district in itertools.product(organisations, MONTHS, District.values):
        forms = [atoms(t, [org], [month], district, list(categories(t).values())) for t in tables]
        for other in forms[1:]:
            reader.learn_same(forms[0], other)


def true_count(form, personas) -> int:
    from amana.cases.models import Audience, Case, Scope

    count = 0
    cases = Case.objects.filter(
        consents__audience=Audience.STATISTICS, consents__scope=Scope.INCIDENT, consents__given=True
    )
    rows = list(cases.values_list("organisation_id", "month_reported", "district", *CASE_TABLES))
    for table, org_month, district, cat in form:
        org, month = org_month.split(":")
        column = 3 + list(CASE_TABLES).index(table)
        count += sum(
            1
            for row in rows
            if str(row[0]) == org and row[1].strftime("%Y-%m") == month and row[2] == district and row[column] == cat
        )
    return count


@pytest.mark.django_db
def test_no_hidden_count_is_recovered_from_everything_published(personas, login, settings) -> None:
    # A reader with no export limit: the limit slows an attack down, it does not stop one.
    settings.AMANA_EXPORTS_PER_DAY = 100_000
    seed(personas)
    released = release_everything(personas)
    roles = {"me_officer": personas.me_officer, "supervisor": personas.supervisor}
    reader = Reader()
    all_figures = []
    ranges = [(a, b) for a, b in itertools.combinations_with_replacement(range(len(MONTHS)), 2)]
    for role, user in roles.items():
        client = login(user)
        client.cookies["django_language"] = "en"
        if released or role == "supervisor":
            organisations = [user.organisation_id]
        else:
            # Before releases the M&E officer's figures were the whole programme's.
            organisations = [personas.ngo.pk, personas.other_ngo.pk]
        for (a, b), area in itertools.product(ranges, areas()):
            months = MONTHS[a : b + 1]
            query = {"first": months[0].strftime("%Y-%m"), "last": months[-1].strftime("%Y-%m"), "district": area}
            page = client.get("/staff/insights/", query)
            assert page.status_code == 200
            workbook = client.get("/staff/insights/export.xlsx", query)
            assert workbook.status_code == 200
            sheets = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True)
            for name in sheets.sheetnames[1:]:
                table = name.split(" ", 1)[1]
                if table in CASE_TABLES:
                    rows = [list(row) for row in sheets[name].iter_rows(values_only=True)]
                    place = {"months": months, "area": area, "organisations": organisations, "exact": not released}
                    all_figures += read_table(reader, table, rows, **place)
            for table in CASE_TABLES:
                response = client.get("/staff/insights/export.csv", {**query, "table": table})
                if response.status_code == 404:
                    continue  # a table not offered for one area
                assert response.status_code == 200
                rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
                place = {"months": months, "area": area, "organisations": organisations, "exact": not released}
                all_figures += read_table(reader, table, rows, **place)
            for fmt in ("pdf", "gbvims"):
                assert client.get(f"/staff/insights/export.{fmt}", query).status_code in (200, 404)
    same_people(reader, [personas.ngo.pk, personas.other_ngo.pk])

    # No published figure is a count from one to four.
    published = [int(cell) for _form, cell in all_figures if isinstance(cell, int) or str(cell).isdigit()]
    assert not [value for value in published if 1 <= value < THRESHOLD]

    # Nothing hidden and small can be worked out from everything published together.
    recovered = []
    hidden_figures = {form for form, cell in all_figures if cell == f"<{THRESHOLD}"}
    single_atoms = {frozenset([atom]) for form, _cell in all_figures for atom in form}
    for form in hidden_figures | single_atoms:
        truth = true_count(form, personas)
        if not 1 <= truth < THRESHOLD:
            continue
        value = reader.value_of(form)
        low, high = reader.bounds_of(form)
        if value == truth or low == high == truth:
            recovered.append((sorted(form)[:2], truth))
    assert recovered == []
