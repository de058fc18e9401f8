from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

TEMPLATE = "evidence/_threatened_images.html"


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("ar", "إذا هدّدك أحد بنشر صورك الخاصة"),
        ("ckb", "ئەگەر کەسێک هەڕەشەی بڵاوکردنەوەی وێنە تایبەتەکانتی لێکردیت"),
        ("en", "If someone threatens to share your intimate images"),
    ],
)
def test_it_shows_the_guidance_in_each_language(language: str, heading: str) -> None:
    with translation.override(language):
        html = render_to_string(TEMPLATE)
    assert heading in html
    assert "stopncii.org" in html
    assert "takeitdown.ncmec.org" in html


def test_it_makes_no_request_and_carries_no_script_or_inline_style() -> None:
    html = render_to_string(TEMPLATE)
    for forbidden in ("href=", "src=", "<script", "style=", "<img", "<iframe", "<link"):
        assert forbidden not in html


def test_it_leaves_the_caseworker_notes_out_of_what_a_survivor_reads() -> None:
    with translation.override("en"):
        for_staff = render_to_string(TEMPLATE)
        for_her = render_to_string(TEMPLATE, {"audience": "survivor"})
    assert "For caseworkers" in for_staff
    assert "Never ask her to send you the images" in for_staff
    assert "For caseworkers" not in for_her
    assert "StopNCII" in for_her and "Take It Down" in for_her
