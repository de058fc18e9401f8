"""Property: whatever the data, and whatever order months are released and figures are asked for,
no published figure is a count from one to four, a frozen release never changes, and no hidden
released value can be worked back from the totals a reader is shown."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amana.cases.models import Audience, Case, Channel, Consent, District, Scope
from amana.insights.models import Counted, Release, ReleaseCell
from amana.insights.selectors import LATE, Period, figures
from amana.insights.services import make_release
from amana.insights.tests.adversary import Reader
from amana.insights.tests.conftest import counted_cases

MONTHS = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
CHANNELS = list(Channel.values)
DISTRICTS = list(District.values)[:3]
POOL = 24

cases_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(CHANNELS), st.sampled_from(DISTRICTS), st.booleans()),
    min_size=POOL,
    max_size=POOL,
)
# Each step: release the next month, or let some reports arrive (their consent given), or ask.
steps_strategy = st.lists(
    st.one_of(
        st.just(("release",)),
        st.tuples(st.just("arrive"), st.integers(1, 6)),
        st.tuples(st.just("ask"), st.integers(0, 2), st.integers(0, 2), st.sampled_from(["", *DISTRICTS])),
    ),
    min_size=3,
    max_size=10,
)


@pytest.fixture
def pool(personas):
    return counted_cases(personas.ngo, POOL, consent=False)


def check(result, released_values) -> None:
    """The three properties, for one answer."""
    reader = Reader()
    for grid in result.tables:
        figures_of = [*grid.cells.values(), *grid.row_totals.values(), *grid.column_totals.values(), grid.total]
        if not grid.spec.exact:
            assert not [f.value for f in figures_of if f.value is not None and 1 <= f.value < result.threshold]
        if not grid.spec.monthly or grid.spec.exact:
            continue
        # A reader who thinks each column total adds every month, hidden ones included.
        for column in grid.columns:
            parts = [(grid.key, row.key, column.key) for row in grid.rows if row.key != LATE]
            hidden = [part for part in parts if grid.cells[part[1:]].hidden]
            shown = sum(grid.cells[part[1:]].value or 0 for part in parts)
            late = grid.cells[(LATE, column.key)].value or 0
            if grid.column_totals[column.key].value is not None:
                reader.learn(hidden, grid.column_totals[column.key].value - shown - late)
            for part in hidden:
                reader.learn_small([part], result.threshold)
            for part in hidden:
                true = released_values.get(part)
                if true is not None and 1 <= true < result.threshold:
                    assert reader.value_of([part]) != true
                    low, high = reader.bounds_of([part])
                    assert not low == high == true


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=cases_strategy, steps=steps_strategy)
@pytest.mark.django_db
def test_releases_and_questions_in_any_order_leak_no_small_count(personas, pool, data, steps) -> None:
    Release.objects.all().delete()
    Counted.objects.all().delete()
    ids = [case.pk for case in pool]
    for pk, (month, channel, district, consent) in zip(ids, data, strict=True):
        Case.objects.filter(pk=pk).update(month_reported=MONTHS[month], channel=channel, district=district)
        Consent.objects.filter(case_id=pk, audience=Audience.STATISTICS, scope=Scope.INCIDENT).update(given=consent)
    waiting = [pk for pk, row in zip(ids, data, strict=True) if not row[3]]
    made: list[Release] = []
    frozen: dict[int, dict] = {}
    for step in steps:
        if step[0] == "release" and len(made) < len(MONTHS):
            release = make_release(organisation=personas.ngo, month=MONTHS[len(made)])
            made.append(release)
            frozen[release.pk] = dict(ReleaseCell.objects.filter(release=release).values_list("pk", "value"))
        elif step[0] == "arrive":
            arriving, waiting = waiting[: step[1]], waiting[step[1] :]
            Consent.objects.filter(case_id__in=arriving, audience=Audience.STATISTICS).update(given=True)
        elif step[0] == "ask":
            first, last = sorted(step[1:3])
            released_values = {
                (cell.table, cell.release.month.isoformat(), cell.column): cell.value
                for cell in ReleaseCell.objects.filter(area=step[3], late=False, row="").select_related("release")
            }
            check(figures(personas.me_officer, Period(MONTHS[first], MONTHS[last], step[3])), released_values)
    for release_pk, values in frozen.items():
        assert dict(ReleaseCell.objects.filter(release_id=release_pk).values_list("pk", "value")) == values
