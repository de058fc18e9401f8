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


def _expected(release: Release, cell: tuple[str, str, str, str, bool], people: list[int]) -> int:
    """The release rule: the cell's count plus the noise keyed by its label and the sum of its people's keys."""
    from django.conf import settings

    from amana.insights.protection import protected_value
    from amana.vault.services import release_record_key

    table, area, row, column, late = cell
    return protected_value(
        label=f"{release.organisation_id}:{release.month:%Y-%m}:{table}:{area}:{row}:{column}:{int(late)}",
        count=len(people),
        fingerprint=sum(release_record_key("case", pk) for pk in people),
        scale=float(settings.AMANA_RELEASE_NOISE_SCALE),
    )


def _reply(case, at) -> None:
    from amana.cases.models import CaseMessage, Sender

    message = CaseMessage.objects.create(case=case, sender=Sender.STAFF, body_sealed=b"")
    CaseMessage.objects.filter(pk=message.pk).update(created_at=at)


def test_each_cell_is_its_count_with_the_noise_of_exactly_its_people(personas) -> None:
    from datetime import datetime, timedelta

    from amana.insights.models import Counted
    from amana.insights.tables import Delay

    reported = datetime(2025, 3, 3, 10, tzinfo=timezone.get_current_timezone())
    web = counted_cases(personas.ngo, 7, channel=Channel.WEB, created_at=reported)
    hotline = counted_cases(personas.ngo, 3, channel=Channel.HOTLINE, created_at=reported)
    refused = counted_cases(personas.ngo, 2, consent=False, channel=Channel.HOTLINE, created_at=reported)
    # Replied in March after two days; replied only in April (48 days); replied in March but not counted.
    _reply(web[0], reported + timedelta(days=2))
    _reply(web[0], reported + timedelta(days=40))
    _reply(hotline[0], reported + timedelta(days=48))
    _reply(refused[0], reported + timedelta(days=1))
    march = make_release(organisation=personas.ngo, month=MARCH)
    april = make_release(organisation=personas.ngo, month=APRIL)

    released = cells(march, area="")
    people = {Channel.WEB: [case.pk for case in web], Channel.HOTLINE: [case.pk for case in hotline]}
    for column in Channel.values:
        cell = ("channel", "", "", column, False)
        assert released[cell[0], "", column, False] == _expected(march, cell, people.get(column, []))
    everyone = people[Channel.WEB] + people[Channel.HOTLINE]
    assert released[("cases", "", "", False)] == _expected(march, ("cases", "", "", "", False), everyone)
    # Each first reply is counted once, in the release of the month it happened in, by its delay.
    for release, replied in ((march, {Delay.ONE_TO_TWO: [web[0].pk]}), (april, {Delay.LONGER: [hotline[0].pk]})):
        response = cells(release, table="response")
        for band in Delay.values:
            cell = ("response", "", band, "", False)
            assert response[("response", band, "", False)] == _expected(release, cell, replied.get(band, []))
    counted = set(Counted.objects.values_list("release_id", "kind", "object_id"))
    assert counted == {(march.pk, "case", pk) for pk in everyone} | {
        (march.pk, "reply", web[0].pk),
        (april.pk, "reply", hotline[0].pk),
    }
