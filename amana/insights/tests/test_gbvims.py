"""The six GBVIMS core types: the mapping, and the database counting cases the same way."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from amana.cases.models import Case, Published
from amana.insights.gbvims import IncidentType, incident_type, incident_type_q
from amana.insights.selectors import Period, case_tables
from amana.insights.tests.conftest import counted_cases


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


def test_it_lists_all_six_core_types(personas) -> None:
    with translation.override("en"):
        assert [(kind.value, str(kind.label)) for kind in IncidentType] == GBVIMS_CORE_TYPES
    # The GBVIMS table has a row for each of them, in that order, even for types no case has.
    counted_cases(personas.ngo, 1, published=Published.NO)
    table = case_tables(Case.objects.all(), Period(date(2025, 3, 1), date(2025, 3, 1)))[-1]
    assert [row.key for row in table.rows] == [value for value, _label in GBVIMS_CORE_TYPES]


def test_the_database_agrees_with_the_mapping(personas) -> None:
    counted_cases(personas.ngo, 2, published=Published.YES)
    counted_cases(personas.ngo, 3, published=Published.UNKNOWN)
    for case in Case.objects.all():
        expected = incident_type(demands=case.demands, published=case.published)
        matching = [
            kind for kind in IncidentType.values if Case.objects.filter(incident_type_q(kind), pk=case.pk).exists()
        ]
        assert matching == [expected]
    table = case_tables(Case.objects.all(), Period(date(2025, 3, 1), date(2025, 3, 1)))[-1]
    assert table.column_total("tfgbv") == 5
    assert table.row_total(IncidentType.SEXUAL_ASSAULT) == 2
    assert table.row_total(IncidentType.RAPE) == 0
