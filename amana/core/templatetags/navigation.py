"""Marks the link to the page being shown, so that a reader (and a screen reader) knows where she is."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def current_page(context: dict[str, Any], view_name: str) -> SafeString:
    """' aria-current="page"' inside the link to the view being shown, else nothing."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return SafeString(' aria-current="page"') if match and match.view_name == view_name else SafeString("")
