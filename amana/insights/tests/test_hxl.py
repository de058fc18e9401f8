"""HXL hashtags: every column tagged from the HXL core dictionary, people counted as what they are,
and the total row marked so that HXL tools never add it in as data."""

from __future__ import annotations

import io
from datetime import date

import openpyxl

from amana.cases.models import Channel
from amana.insights.tests.conftest import counted_cases, release_months

PERIOD = {"first": "2025-01", "last": "2025-03"}
# Hashtags of the HXL 1.1 core dictionary that these exports may use (https://hxlstandard.org).
HXL_CORE = {"#date", "#affected", "#reached", "#indicator", "#org", "#output", "#meta", "#adm2"}
# Tables that count survivors (women and girls): tagged +f. The others count people of either sex,
# events or referral outcomes, and must not say female.
SURVIVOR_TABLES = {
    *("cases", "channel", "platform", "district", "age_band", "urgent", "incident_type", "repeat"),
    *("response", "first_referral", "pathway", "recipient"),
}


def sheets(client) -> dict[str, list[tuple]]:
    response = client.get("/staff/insights/export.xlsx", PERIOD)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return {
        name.split(" ", 1)[1]: [row for row in workbook[name].iter_rows(values_only=True) if any(row)]
        for name in workbook.sheetnames[1:]
    }


def test_every_column_has_a_core_hashtag_and_the_right_people(personas, login) -> None:
    counted_cases(personas.ngo, 12, channel=Channel.WEB)
    release_months(personas.ngo, date(2025, 1, 1), date(2025, 3, 1))
    for table, rows in sheets(login(personas.me_officer)).items():
        header, tags = rows[0], rows[1]
        assert len(tags) == len([cell for cell in header if cell is not None]), table
        for tag in tags:
            hashtag, *attributes = str(tag).split("+")
            assert hashtag in HXL_CORE, (table, tag)
            assert all(attribute.replace("_", "").isalnum() and attribute.islower() for attribute in attributes)
        counts = tags[1:-1]
        if table in SURVIVOR_TABLES:
            assert all(tag.startswith("#affected+f+num") for tag in counts), (table, tags)
        else:
            assert not any("+f+" in tag or "+m+" in tag for tag in counts), (table, tags)
        if table == "trained":
            # Rows are women and men: the columns are people reached, never tagged with one sex.
            assert all(tag.startswith("#reached+num") for tag in counts)
        if table in ("pathway", "recipient", "first_referral"):
            # Survivors referred (each counted once per cell), not referrals.
            assert all(tag.startswith("#affected+f+num+referred") for tag in counts), (table, tags)
        assert tags[-1] == "#meta+rowtype"
        assert tags[-2].endswith("+total")
        assert rows[-2][0] in ("Total", "المجموع") and rows[-2][-1] == "total"


def test_its_month_column_is_a_date_reported(personas, login) -> None:
    counted_cases(personas.ngo, 6)
    release_months(personas.ngo, date(2025, 1, 1), date(2025, 3, 1))
    tables = sheets(login(personas.me_officer))
    assert tables["channel"][1][0] == "#date+reported"
    assert tables["incident_type"][1][0] == "#indicator+gbvims+type"
