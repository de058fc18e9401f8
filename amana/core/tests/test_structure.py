"""Imports run one way, from the feature apps down to the foundation; the menu is filled by the apps."""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import reverse

from amana.core.menu import sections_for

AMANA = Path(__file__).resolve().parents[2]
FEATURES = ("cases", "channel", "community", "directory", "evidence", "insights", "referrals")


def imports_of(module: str) -> set[str]:
    """Every amana module a file imports, at its top or inside a function."""
    tree = ast.parse((AMANA.parent / (module.replace(".", "/") + ".py")).read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("amana"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("amana"))
    return found


def test_the_access_rules_and_the_menu_know_no_feature_app() -> None:
    for module in ("amana.accounts.access", "amana.core.menu", "amana.core.context_processors"):
        features = {name for name in imports_of(module) if name.split(".")[1] in FEATURES}
        assert not features, f"{module} imports {features}"


def test_cases_and_referrals_services_do_not_import_each_other_both_ways() -> None:
    assert "amana.cases.services" not in imports_of("amana.referrals.services")


def test_insights_services_do_not_import_the_selectors_that_import_them() -> None:
    assert not {name for name in imports_of("amana.insights.services") if name.startswith("amana.insights.selectors")}


WIDGETS = ("DateInput", "DateTimeInput", "MultipleFileField", "MultipleFileInput")


def test_shared_widgets_have_one_home() -> None:
    for app in FEATURES:
        if not (AMANA / app / "forms.py").exists():
            continue
        source = (AMANA / app / "forms.py").read_text()
        assert not [w for w in WIDGETS if f"class {w}(" in source], app
        borrowed = {n for n in imports_of(f"amana.{app}.forms") if n.rsplit(".", 1)[-1] in WIDGETS}
        assert all(name.startswith("amana.core.widgets") for name in borrowed), (app, borrowed)


def test_each_app_declares_its_own_menu_sections(personas) -> None:
    urls = [section.url for section in sections_for(personas.supervisor)]
    assert urls.index(reverse("audit:log")) < urls.index(reverse("cases:queue"))
    assert reverse("insights:dashboard") in urls and reverse("evidence:alerts") in urls
    assert reverse("community:teams") not in urls
    assert [s.url for s in sections_for(personas.cpt_member)] == [
        reverse("accounts:key_requests"),
        reverse("intake:new"),
        reverse("cases:team_cases"),
        reverse("community:overview"),
        reverse("community:teams"),
        reverse("community:visits"),
        reverse("directory:list"),
    ]
