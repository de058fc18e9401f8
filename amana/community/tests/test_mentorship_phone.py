"""A peace team's mentorship sessions on a 360 px phone, in Arabic, English and Sorani: the table
becomes stacked rows, each cell named, nothing cut off or wider than the screen."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from amana.community import services as community
from amana.community.models import Topic
from amana.core.tests.test_phone_width import _signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360
MEASURE = """() => {
  const table = document.querySelector('#mentorship ~ .table-wrap table');
  const box = table.getBoundingClientRect();
  const cells = [...table.querySelectorAll('tbody td')].map(td => {
    const cell = td.getBoundingClientRect();
    return {left: cell.left, right: cell.right, label: getComputedStyle(td, '::before').content};
  });
  const doc = document.documentElement;
  return {left: box.left, right: box.right, hidden: table.parentElement.scrollWidth - table.parentElement.clientWidth,
          cells, overflow: doc.scrollWidth - doc.clientWidth};
}"""


@pytest.mark.parametrize("language", ["ar", "en", "ckb"])
def test_the_mentorship_table_is_stacked_rows_on_a_phone(personas, live_server, browser, language: str) -> None:
    team = community.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")
    community.record_mentorship(
        actor=personas.me_officer,
        team=team,
        held_on=date(2026, 3, 7),
        mentor="Mentor with a rather long name (example)",
        topics=list(Topic.objects.all()[:3]),
        members_present=7,
        notes="Talked through how to receive a case in the community without asking for her name (example).",
    )
    page = _signed_in_page(browser, live_server.url, personas.me_officer)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/staff/community/teams/{team.pk}/")
    assert page.locator("html").get_attribute("lang") == language
    measured = page.evaluate(MEASURE)
    assert measured["overflow"] <= 0, "the page is wider than the screen"
    assert measured["hidden"] <= 0, "part of the table is cut off in its scroll box"
    assert measured["left"] >= 0 and measured["right"] <= WIDTH
    assert len(measured["cells"]) == 4
    for cell in measured["cells"]:
        assert cell["left"] >= 0 and cell["right"] <= WIDTH
        assert cell["label"] not in ("none", "normal", ""), "a stacked cell names its column"
