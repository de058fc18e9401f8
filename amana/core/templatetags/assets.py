"""Writes the site's own style sheet or script into a page (see amana.core.assets)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from amana.core.assets import inlined

register = template.Library()


@register.simple_tag
def inline_asset(name: str) -> SafeString:
    return inlined(name).text
