"""The referral panel shown inside a case page, and each plan step's referrals on the plan page."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count

from amana.referrals import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def referrals_of_case(context: Any, case: Any) -> list[selectors.CaseReferral]:
    """The case's referrals for the member viewing the case page (one query, no per-row reads)."""
    return selectors.listed_with_case(context["request"].user, case)


@register.simple_tag(takes_context=True)
def referrals_by_plan_step(context: Any, case: Any) -> dict[int, list[Any]]:
    """The referrals carrying out each step of her plan, by step id (one query for the whole plan)."""
    referrals = selectors.referrals_of_case(context["request"].user, case).filter(plan_action__isnull=False)
    by_step: dict[int, list[Any]] = {}
    for referral in referrals.annotate(actions_recorded=Count("actions", distinct=True)):
        by_step.setdefault(int(referral.plan_action_id or 0), []).append(referral)
    return by_step


@register.filter
def of_step(by_step: dict[int, list[Any]], step_id: int) -> list[Any]:
    return by_step.get(step_id, [])
