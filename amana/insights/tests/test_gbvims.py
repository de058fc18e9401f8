"""GBVIMS: the six core types, structural zeros shown as zeros, the context never assumed."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.utils import translation

from amana.cases.models import Published, TechnologyFacilitated
from amana.insights.gbvims import STRUCTURAL_TYPES, IncidentType, incident_type
from amana.insights.lattice import contents_of
from amana.insights.tests.conftest import counted_cases, release_months

PERIOD = {"first": "2025-01", "last": "2025-07"}


def test_it_counts_images_shared_without_consent_as_sexual_assault() -> None:
    assert incident_type(demands=["money"], published=Published.YES) == IncidentType.SEXUAL_ASSAULT


def test_it_counts_threats_and_demands_as_psychological_abuse() -> None:
    for demands in (["money"], ["sexual"], ["images", "sexual"], []):
        for published in (Published.NO, Published.UNKNOWN):
            assert incident_type(demands=demands, published=published) == IncidentType.PSYCHOLOGICAL


# The GBVIMS Classification Tool's six core types, in the order it applies them (the first that fits).
GBVIMS_CORE_TYPES = [
    ("rape", "Rape"),
    ("sexual_assault", "Sexual assault"),
    ("physical_assault", "Physical assault"),
    ("forced_marriage", "Forced marriage"),
    ("denial", "Denial of resources, opportunities or services"),
    ("psychological", "Psychological or emotional abuse"),
]


def test_it_lists_all_six_core_types() -> None:
    with translation.override("en"):
        assert [(kind.value, str(kind.label)) for kind in IncidentType] == GBVIMS_CORE_TYPES


def test_its_export_lists_the_six_types_and_prints_structural_zeros_as_zeros(personas, login) -> None:
    # 54 cases over seven months, as in the report that hid 87 % of its cells.
    for month in range(1, 8):
        counted_cases(
            personas.ngo,
            6,
            published=Published.UNKNOWN,
            technology_facilitated=TechnologyFacilitated.NOT_RECORDED,
            month_reported=date(2025, month, 1),
        )
        counted_cases(personas.ngo, 1 + month % 2, published=Published.YES, month_reported=date(2025, month, 1))
    release_months(personas.ngo, date(2025, 1, 1), date(2025, 7, 1))
    client = login(personas.me_officer)
    client.cookies["django_language"] = "en"
    response = client.get("/staff/insights/export.gbvims", PERIOD)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, tags, body = rows[0], rows[1], rows[2:8]
    assert [row[0] for row in body] == [str(kind.label) for kind in IncidentType]
    assert tags[0] == "#indicator+gbvims+type" and tags[-1] == "#meta+rowtype"
    assert rows[8][0] == "Total" and rows[8][-1] == "total"
    recorded = header.index("Technology-facilitated context not recorded")
    for row, kind in zip(body, IncidentType, strict=True):
        if kind in STRUCTURAL_TYPES:
            assert row[1:5] == ["0", "0", "0", "0"]
    psychological = body[list(IncidentType).index(IncidentType.PSYCHOLOGICAL)]
    # 42 cases, six a month: the seven months' total is built from each month's released figure, a
    # hidden month adding nothing, and is never recomputed from the cases.
    monthly = []
    for month in range(1, 8):
        single = client.get("/staff/insights/export.gbvims", {"first": f"2025-0{month}", "last": f"2025-0{month}"})
        released = list(csv.reader(io.StringIO(single.content.decode("utf-8-sig"))))[2:8]
        monthly.append(released[list(IncidentType).index(IncidentType.PSYCHOLOGICAL)][recorded])
    assert int(psychological[recorded]) == sum(int(value) for value in monthly if value != "<5"), monthly
    assert int(psychological[recorded]) >= 5
    # Every case here has the context not recorded; the true zeros beside them may be hidden.
    hidden = sum(row[recorded] == "<5" for row in body)
    assert hidden <= 1


def test_its_export_counts_the_technology_facilitated_context_the_caseworker_recorded(personas, login) -> None:
    for month in range(1, 4):
        reported = date(2025, month, 1)
        counted_cases(personas.ngo, 9, technology_facilitated=TechnologyFacilitated.YES, month_reported=reported)
        counted_cases(personas.ngo, 8, technology_facilitated=TechnologyFacilitated.NO, month_reported=reported)
        # Recorded "yes" although the platform says nothing of it, and left unrecorded on WhatsApp.
        counted_cases(
            personas.ngo, 7, platform="other", technology_facilitated=TechnologyFacilitated.YES, month_reported=reported
        )
        counted_cases(personas.ngo, 6, platform="whatsapp", month_reported=reported)
    # What a release would count, before noise: the caseworker's record decides the column, whatever
    # the platform says (48 recorded yes, 24 recorded no, 18 not recorded).
    contents = contents_of(personas.ngo, date(2025, 3, 1), mark=lambda counted: None)
    kind = str(IncidentType.PSYCHOLOGICAL)
    for column, expected in (("yes", 48), ("no", 24), ("not_recorded", 18)):
        cells = [("incident_type", "", kind, column, late) for late in (False, True)]
        assert sum(contents.count(cell) for cell in cells) == expected, column

    # Released month by month with keyed noise, the export of the three months is the sum of each
    # month's released figure, never recomputed from the cases.
    release_months(personas.ngo, date(2025, 1, 1), date(2025, 3, 1))
    client = login(personas.me_officer)
    client.cookies["django_language"] = "en"

    def psychological(first: str, last: str) -> dict[str, str]:
        response = client.get("/staff/insights/export.gbvims", {"first": first, "last": last})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header, body = rows[0], rows[2:8]
        return dict(zip(header, body[list(IncidentType).index(IncidentType.PSYCHOLOGICAL)], strict=True))

    whole = psychological("2025-01", "2025-03")
    months = [psychological(f"2025-0{month}", f"2025-0{month}") for month in range(1, 4)]
    for column in (
        "Technology-facilitated",
        "Not technology-facilitated",
        "Technology-facilitated context not recorded",
    ):
        released = [month[column] for month in months]
        assert int(whole[column]) == sum(int(value) for value in released if value != "<5"), (column, released)
    assert int(whole["Technology-facilitated"]) >= 5
