"""Cases to count: made through the real report service, then placed in months and categories."""

from __future__ import annotations

from datetime import date
from typing import Any

from amana.cases.models import Audience, Case, Consent, Scope
from amana.channel.tests.conftest import make_case
from amana.community.tests.conftest import other_me_officer

__all__ = ["counted_cases", "other_me_officer", "release_months"]


def counted_cases(organisation: Any, count: int, *, consent: bool = True, **columns: Any) -> list[Case]:
    """``count`` cases of the organisation with the given plain columns; counted only with her consent."""
    cases = [make_case(organisation)[0] for _ in range(count)]
    ids = [case.pk for case in cases]
    Case.objects.filter(pk__in=ids).update(**{"month_reported": date(2025, 3, 1), **columns})
    Consent.objects.filter(case_id__in=ids, audience=Audience.STATISTICS, scope=Scope.INCIDENT).update(given=consent)
    return list(Case.objects.filter(pk__in=ids))


def release_months(organisation: Any, first: date, last: date) -> None:
    """Release every month from ``first`` to ``last`` for the organisation, in order."""
    from amana.insights.services import add_months, make_release

    month = first
    while month <= last:
        make_release(organisation=organisation, month=month)
        month = add_months(month, 1)
