"""Releases: made once per closed month, frozen, late reports counted in the next one."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases.models import Channel
from amana.insights.models import Release, ReleaseCell
from amana.insights.services import ReleaseRefused, last_closed_month, make_release
from amana.insights.tests.conftest import counted_cases, release_months

MARCH, APRIL, MAY = date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)
PERIOD = {"first": "2025-03", "last": "2025-05"}


def cells(release: Release, **where) -> dict[tuple[str, str, str, bool], int]:
    rows = ReleaseCell.objects.filter(release=release, **where)
    return {(c.table, c.row, c.column, c.late): c.value for c in rows}


def test_it_freezes_a_release_and_counts_late_reports_in_the_next(personas) -> None:
    counted_cases(personas.ngo, 30, channel=Channel.WEB)
    march = make_release(organisation=personas.ngo, month=MARCH)
    before = cells(march)
    # Ten more March cases arrive after March was released.
    counted_cases(personas.ngo, 10, channel=Channel.HOTLINE)
    assert make_release(organisation=personas.ngo, month=MARCH) == march
    assert cells(march) == before
    april = make_release(organisation=personas.ngo, month=APRIL)
    late = cells(april, area="", late=True)
    # Protected values: near the true counts, never the counts themselves by construction.
    assert abs(late[("channel", "", Channel.HOTLINE, True)] - 10) <= 12
    assert AuditEntry.objects.filter(action="insights.released").count() == 2


def test_it_refuses_an_open_month_and_an_earlier_month_after_a_later_one(personas) -> None:
    with pytest.raises(ReleaseRefused):
        make_release(organisation=personas.ngo, month=timezone.localdate().replace(day=1))
    make_release(organisation=personas.ngo, month=APRIL)
    with pytest.raises(ReleaseRefused):
        make_release(organisation=personas.ngo, month=MARCH)


def test_its_command_releases_every_closed_month_in_order(personas) -> None:
    counted_cases(personas.ngo, 3, month_reported=last_closed_month().replace(year=last_closed_month().year - 1))
    call_command("make_releases", stdout=open("/dev/null", "w"))  # noqa: SIM115  # discarded output
    months = list(Release.objects.filter(organisation=personas.ngo).values_list("month", flat=True))
    assert months[-1] == last_closed_month()
    assert len(months) == 13


def test_it_shows_the_same_released_figures_to_every_role(personas, login) -> None:
    counted_cases(personas.ngo, 40, channel=Channel.WEB)
    counted_cases(personas.ngo, 2, channel=Channel.PEACE_TEAM)
    release_months(personas.ngo, MARCH, MAY)
    seen = []
    for who in (personas.me_officer, personas.supervisor):
        result = login(who).get("/staff/insights/", PERIOD).context["result"]
        channel = result.table("channel")
        seen.append({key: figure.value for key, figure in channel.cells.items()})
    assert seen[0] == seen[1]


def test_it_reads_no_case_to_draw_the_dashboard(personas, login, django_assert_max_num_queries) -> None:
    counted_cases(personas.ngo, 12)
    release_months(personas.ngo, MARCH, MAY)
    client = login(personas.me_officer)
    client.get("/staff/insights/", PERIOD)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/staff/insights/", PERIOD).status_code == 200
    assert not any("cases_case" in query["sql"] for query in queries.captured_queries)
