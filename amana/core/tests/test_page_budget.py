"""Every page of the survivor site, with what it loads, stays within 20 KB compressed, in every language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from amana.channel.demo import create_demo_hotlines

from .page_weight import BUDGET, PageWeight, table, walk

pytestmark = pytest.mark.django_db


def _public_views() -> dict[str, str]:
    """Each URL name of the survivor site (the site's root and the channel's pages) with a path to it."""
    views = {"core:index": "/"}
    for resolver in get_resolver().url_patterns:
        if getattr(resolver, "namespace", None) != "channel":
            continue
        for pattern in resolver.url_patterns:
            assert isinstance(pattern, URLPattern)
            path = "/" + str(pattern.pattern).replace("<int:number>", "1")
            views[f"channel:{pattern.name}"] = path
    return views


@pytest.fixture
def pages(personas: Any, request: pytest.FixtureRequest) -> list[PageWeight]:
    create_demo_hotlines()
    return walk(request.param)


@pytest.mark.parametrize("pages", ["ar", "ckb", "en"], indirect=True)
def test_every_public_page_with_its_assets_is_within_20_kb_compressed(pages: list[PageWeight]) -> None:
    over = [page for page in pages if not page.within]
    assert not over, f"over the {BUDGET} byte budget:\n{table(over)}"
    assert all(page.html > 0 for page in pages if page.view != "channel:leave")


@pytest.mark.parametrize("pages", ["ar"], indirect=True)
def test_the_walk_weighs_every_page_a_survivor_can_open(pages: list[PageWeight]) -> None:
    weighed = {page.view for page in pages}
    assert "not_found" in weighed and "channel:follow_up" in weighed
    for view, path in _public_views().items():
        if view in weighed:
            continue
        # Only addresses that take a form and answer no page to a GET may be left out.
        assert Client().get(path, secure=True).status_code == 405, f"{view} ({path}) is a page the walk misses"


def test_a_page_over_the_budget_fails_the_check() -> None:
    heavy = PageWeight(name="example", view="core:index", html=BUDGET - 100, assets=101, requests=2)
    light = PageWeight(name="example", view="core:index", html=BUDGET - 100, assets=100, requests=2)
    assert not heavy.within and light.within
