"""The referral panel shown inside a case page."""

from __future__ import annotations

from typing import Any

from django import template

from amana.referrals import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def referrals_of_case(context: Any, case: Any) -> Any:
    """The case's referrals for the member viewing the case page (one query, no per-row reads)."""
    return list(selectors.referrals_of_case(context["request"].user, case))
