"""The site's own style and script written into the page a visit starts on: allowed by the
Content-Security-Policy by their hashes alone, without the files' comments, and only there."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from amana.accounts.models import FirstScreen
from amana.core.assets import COMMENTS, SCRIPT, STYLE, inlined

QUOTED = re.compile(r""""[^"\n]*"|'[^'\n]*'""")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("name", [STYLE, SCRIPT])
def test_comments_are_left_out_and_nothing_else(name: str) -> None:
    found = finders.find(name)
    assert isinstance(found, str)
    source = Path(found).read_text(encoding="utf-8")
    # Stripping comments by pattern is only safe while no string holds what starts one.
    assert not any("/*" in quoted or "//" in quoted for quoted in QUOTED.findall(source))
    text = inlined(name).text
    assert "/*" not in text and "*/" not in text
    assert not any(line.lstrip().startswith("//") for line in text.splitlines())
    # Nothing else changes: every line written into the page is a line of the file, in order, and
    # only comments are left out (the browser tests run the script and check the style).
    lines = iter(source.splitlines())
    assert all(any(line == kept for kept in lines) for line in text.splitlines())
    comments = "".join(COMMENTS.findall(source))
    kept = set(text.splitlines())
    assert len(text) < len(source)
    assert all(line in comments for line in source.splitlines() if line not in kept)


def test_the_home_page_carries_both_and_the_policy_allows_exactly_them(personas) -> None:
    response = Client().get("/")
    page = response.content.decode()
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL)
    assert style is not None and script is not None
    assert style.group(1) == inlined(STYLE).text and script.group(1) == inlined(SCRIPT).text
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["style-src"] == f"'self' {_hash(style.group(1))}"
    assert policy["script-src"] == f"'self' {_hash(script.group(1))}"
    # The pages after it find the files in the browser's cache: fetched in the background.
    assert re.search(r'<link rel="prefetch" href="/static/amana/amana\.css\?v=\w+" as="style">', page)
    assert re.search(r'<link rel="prefetch" href="/static/amana/exit\.js\?v=\w+" as="script">', page)


def test_other_pages_and_the_neutral_first_screen_link_the_files(personas) -> None:
    for url in ["/continue/", "/no-such-page/"]:
        page = Client().get(url).content.decode()
        assert "<style>" not in page and "<script>" not in page
        assert 'rel="stylesheet" href="/static/amana/amana.css' in page
    personas.ngo.first_screen = FirstScreen.NEUTRAL
    personas.ngo.save(update_fields=["first_screen"])
    page = Client().get("/").content.decode()
    assert "<style>" not in page and "<script>" not in page
