"""M&E officers see figures only: no case screen, no file, no identity, whatever the address."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from amana.insights.tests.conftest import counted_cases

# Every app whose pages show or change a case, its files, its referrals or who she is.
CASE_NAMESPACES = {"cases", "intake", "referrals", "evidence"}
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def case_routes(patterns: list | None = None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """Every route of the case apps, as (namespace, route with <parameters>)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from case_routes(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace in CASE_NAMESPACES:
            yield namespace, "/" + prefix + str(pattern.pattern)


def test_it_walks_every_case_page() -> None:
    routes = {route for _namespace, route in case_routes()}
    assert "/staff/cases/" in routes
    assert "/staff/cases/<str:reference>/" in routes
    assert "/staff/intake/" in {route.rstrip("/") + "/" for route in routes if route.startswith("/staff/intake")}


def test_it_keeps_me_officers_out_of_every_case_page(personas, login) -> None:
    case = counted_cases(personas.ngo, 1)[0]
    client = login(personas.me_officer)
    for _namespace, route in case_routes():

        def fill(match: re.Match[str]) -> str:
            _kind, name = match.groups()
            # A real reference, and an existing-looking number or word for every other part.
            return case.reference if name == "reference" else "1"

        url = PARAMETER.sub(fill, route)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404, 405), f"{method.upper()} {url}: {response.status_code}"


@pytest.mark.parametrize("who", ["me_officer"])
def test_it_shows_no_case_menu_to_me_officers(personas, login, who) -> None:
    home = login(getattr(personas, who)).get("/staff/").content.decode()
    assert "/staff/insights/" in home
    assert "/staff/cases/" not in home
    assert "/staff/intake/" not in home
