"""The insights dashboard in Debian's Chromium, as the M&E officer, in Arabic, on an office screen and
on a phone: the charts are drawn and visible, their bars stand for the months' released figures, and
the page is no wider than the screen."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from amana.community.tests.conftest import sign_in
from amana.insights.selectors import Period, figures

from .conftest import counted_cases, release_months

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 360])
def test_the_officer_sees_the_charts_in_arabic(personas, live_server, browser, width) -> None:
    for month in (1, 2, 3):
        counted_cases(personas.ngo, 20, month_reported=date(2025, month, 1))
    release_months(personas.ngo, date(2025, 1, 1), date(2025, 3, 1))
    released = figures(personas.me_officer, Period(date(2025, 1, 1), date(2025, 3, 1))).table("cases")
    assert released is not None
    expected = [released.row_totals[row.key].text() for row in released.rows]
    context = browser.new_context(locale="ar", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, personas.me_officer)
        page.goto(f"{live_server.url}/staff/insights/?first=2025-01&last=2025-03")
        assert page.locator("html").get_attribute("dir") == "rtl"
        charts = page.locator("figure.chart svg")
        assert charts.count() >= 2
        for index in range(charts.count()):
            chart = charts.nth(index)
            chart.scroll_into_view_if_needed()
            box: Any = chart.bounding_box()
            assert chart.is_visible() and box["width"] > 100 and box["height"] > 20, index
            assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, index
            # Its words are drawn at least 11 px high, on a phone too (they were about 6 px).
            label: Any = chart.locator("text.chart__label").first.bounding_box()
            assert label["height"] >= 11, (index, label)
        # Each released figure of five or more is a drawn bar; a hidden one is a dashed mark with "<5",
        # as in the table. The months, with twenty reports each, are drawn; the late reports (none here)
        # are hidden unless the release's noise put a false count in that empty cell, as it may.
        shown = [released.row_totals[row.key] for row in released.rows]
        assert all(not figure.hidden for figure in shown[:3])
        first = charts.first
        assert first.locator("rect").count() == sum(1 for figure in shown if not figure.hidden)
        assert first.locator("line").count() == sum(1 for figure in shown if figure.hidden)
        values = [value.strip() for value in first.locator("text.chart__value").all_text_contents()]
        assert values == expected, values
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
