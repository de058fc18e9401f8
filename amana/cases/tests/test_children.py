"""Children's cases: flagged in the queue and on the case page, and listed apart by the queue's filter."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from amana.cases.models import Case

from .conftest import assigned_case, make_case

pytestmark = pytest.mark.django_db


def _arabic(text: str) -> str:
    with translation.override("ar"):
        return _(text)


CHILD_FLAG = "Child (under 18)"


def test_a_case_under_18_is_flagged_in_the_queue_and_on_its_page(personas, login) -> None:
    girl, _code = assigned_case(personas, age_band="15_17")
    woman, _code = assigned_case(personas, age_band="25_34")
    supervisor = login(personas.supervisor)
    queue = supervisor.get("/staff/cases/").content.decode()
    flag = f'<li class="flag flag--child">{_arabic(CHILD_FLAG)}</li>'
    rows = {case.reference: queue[queue.index(case.reference) :].split("</tr>")[0] for case in (girl, woman)}
    assert flag in rows[girl.reference] and flag not in rows[woman.reference]
    assert flag in supervisor.get(f"/staff/cases/{girl.reference}/").content.decode()
    assert flag not in supervisor.get(f"/staff/cases/{woman.reference}/").content.decode()


@pytest.mark.parametrize("age_band", ["under_15", "15_17"])
def test_the_age_band_makes_the_stored_child_column(personas, age_band: str) -> None:
    case, _code = make_case(personas.ngo, age_band=age_band)
    adult, _code = make_case(personas.ngo, age_band="18_24")
    unsaid, _code = make_case(personas.ngo, age_band="not_said")
    assert set(Case.objects.filter(is_child=True).values_list("pk", flat=True)) == {case.pk}
    assert {adult.pk, unsaid.pk} <= set(Case.objects.filter(is_child=False).values_list("pk", flat=True))


def test_the_queue_filter_lists_only_children_and_keeps_to_the_chosen_list(personas, login) -> None:
    girl, _code = make_case(personas.ngo, age_band="under_15")
    mine, _code = assigned_case(personas, age_band="15_17")
    woman, _code = make_case(personas.ngo, age_band="18_24")
    supervisor = login(personas.supervisor)
    children = supervisor.get("/staff/cases/?view=open&children=1").content.decode()
    assert girl.reference in children and mine.reference in children and woman.reference not in children
    assert 'href="?view=new&amp;children=1"' in children  # the other lists keep the filter
    new = supervisor.get("/staff/cases/?view=new&children=1").content.decode()
    assert girl.reference in new and mine.reference not in new and woman.reference not in new
    everyone = supervisor.get("/staff/cases/?view=open").content.decode()
    assert woman.reference in everyone and girl.reference in everyone


def test_the_children_filter_pages_keep_the_filter(personas, login) -> None:
    for _number in range(26):
        make_case(personas.ngo, age_band="15_17")
    make_case(personas.ngo, age_band="18_24")
    supervisor = login(personas.supervisor)
    first = supervisor.get("/staff/cases/?view=open&children=1").content.decode()
    assert "?view=open&amp;children=1&amp;after=" in first
    cursor = first.split("children=1&amp;after=")[1].split('"')[0]
    second = supervisor.get(f"/staff/cases/?view=open&children=1&after={cursor}")
    assert second.status_code == 200
    assert second.content.decode().count("flag--child") == 1


@pytest.mark.parametrize("value", ["yes", "<script>", "1' OR 1=1"])
def test_an_odd_filter_value_shows_every_age(personas, login, value: str) -> None:
    woman, _code = make_case(personas.ngo, age_band="18_24")
    response = login(personas.supervisor).get("/staff/cases/", {"children": value})
    assert response.status_code == 200 and woman.reference in response.content.decode()
