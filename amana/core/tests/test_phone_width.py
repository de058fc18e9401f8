"""Every staff page without parameters, for every role, on a 360 px phone in Arabic: nothing wider
than the screen, and every link, button and field a finger must hit at least 44 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

from amana.core.tests.test_every_page import SKIPPED_PREFIXES, plain_urls
from conftest import PASSWORD, current_code, enrol_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360
# Measured in the page: what overflows and which visible targets are smaller than 44 by 44 px.
MEASURE = """() => {
  const doc = document.documentElement;
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('.skip-link')) continue;
    // A check box or radio button counts by its label, which is what a finger hits.
    const target = (el.type === 'checkbox' || el.type === 'radio') && el.closest('label') ? el.closest('label') : el;
    const size = target.getBoundingClientRect();
    const label = (target.innerText || target.name || target.getAttribute('href') || '').trim().slice(0, 40);
    if (size.height < 44 || size.width < 44)
      small.push(`${target.tagName} "${label}" ${Math.round(size.width)}x${Math.round(size.height)}`);
  }
  return {overflow: doc.scrollWidth - doc.clientWidth, small};
}"""


def _signed_in_page(browser: Any, base: str, user: Any) -> Any:
    context = browser.new_context(locale="ar", viewport={"width": WIDTH, "height": 740})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": base}])
    page = context.new_page()
    device = enrol_device(user)
    page.goto(f"{base}/staff/login/")
    page.fill('input[name="username"]', user.username)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    page.wait_for_url("**/staff/login/code/**")
    page.fill('input[name="code"]', current_code(device))
    page.locator('form button[type="submit"]').first.click()
    page.wait_for_url(f"{base}/staff/")
    return page


def test_no_staff_page_overflows_or_has_a_small_target_at_360px(personas, live_server, browser) -> None:
    urls = [u for u in sorted(set(plain_urls())) if u.startswith("/staff/") and not u.startswith(SKIPPED_PREFIXES)]
    urls = [u for u in urls if not u.startswith(("/staff/login", "/staff/logout"))]
    problems: list[str] = []
    measured: dict[str, int] = {}
    for name, user in personas.all().items():
        if name == "outsider":
            continue
        page = _signed_in_page(browser, live_server.url, user)
        for url in urls:
            try:
                response = page.goto(live_server.url + url)
            except PlaywrightError:  # a view that answers GET with an error status and no page
                continue
            if (
                response is None
                or response.status != 200
                or "text/html" not in response.headers.get("content-type", "")
            ):
                continue
            assert "/staff/login" not in page.url, (name, url)
            measured[name] = measured.get(name, 0) + 1
            found = page.evaluate(MEASURE)
            if found["overflow"] > 0:
                problems.append(f"{name} {url}: {found['overflow']} px wider than the screen")
            problems += [f"{name} {url}: {target}" for target in found["small"]]
        page.context.close()
    assert not problems, "\n".join(problems)
    assert measured["supervisor"] >= 5 and measured["cpt_member"] >= 5, measured
