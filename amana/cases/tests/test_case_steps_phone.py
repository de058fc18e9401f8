"""The numbered steps of a case on a 360 px phone, in Arabic, English and Sorani: no step covers
another, the step being shown is marked (aria-current), and nothing is wider than the screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from amana.core.tests.test_phone_width import _signed_in_page

from .conftest import assigned_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360
STEPS = ["", "incident/", "contact-plan/", "assessment/", "plan/", "follow-ups/", "closure/"]
# Each step's box, its number's box (the list marker is drawn outside the text when not inside
# the step), which one is marked current, and how far the page overflows.
MEASURE = """() => {
  const steps = [...document.querySelectorAll('.case-steps li')].map(li => {
    const box = li.getBoundingClientRect();
    const link = li.querySelector('a');
    const before = getComputedStyle(link, '::before');
    const item = getComputedStyle(li);
    return {
      left: box.left, right: box.right, top: box.top, bottom: box.bottom,
      marker: item.listStylePosition === 'outside' && item.listStyleType !== 'none',
      numbered: before.content.includes('counter') || /\\d/.test(before.content) || item.listStyleType !== 'none',
      current: link.getAttribute('aria-current'),
      href: new URL(link.href).pathname,
    };
  });
  const doc = document.documentElement;
  return {steps, overflow: doc.scrollWidth - doc.clientWidth};
}"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and (
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    )


@pytest.mark.parametrize("language", ["ar", "en", "ckb"])
def test_case_steps_do_not_overlap_and_mark_the_current_one(personas, live_server, browser, language: str) -> None:
    case, _code = assigned_case(personas)
    page = _signed_in_page(browser, live_server.url, personas.caseworker)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    problems: list[str] = []
    for step in STEPS:
        path = f"/staff/cases/{case.reference}/{step}"
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        measured: Any = page.evaluate(MEASURE)
        steps = measured["steps"]
        assert len(steps) == len(STEPS)
        if measured["overflow"] > 0:
            problems.append(f"{path}: {measured['overflow']} px wider than the screen")
        for index, box in enumerate(steps):
            if box["marker"]:
                problems.append(f"{path}: step {index + 1}'s number is drawn outside it, over its neighbour")
            if not box["numbered"]:
                problems.append(f"{path}: step {index + 1} has no number")
            if box["left"] < 0 or box["right"] > WIDTH:
                problems.append(f"{path}: step {index + 1} runs off the screen")
            problems += [
                f"{path}: steps {index + 1} and {other + 1} overlap"
                for other in range(index + 1, len(steps))
                if _overlap(box, steps[other])
            ]
        current = [box["href"] for box in steps if box["current"] == "page"]
        if current != [path]:
            problems.append(f"{path}: marked current {current}")
    assert not problems, "\n".join(problems)
