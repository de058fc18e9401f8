"""How long until something first happened in a case: shared by the case and pathway indicators."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import models
from django.db.models import Min, OuterRef, Subquery

from amana.cases.models import Case


def times_until_first(cases: models.QuerySet[Case], events: models.QuerySet[Any]) -> list[timedelta]:
    """From each case's report to the first of its events (a caseworker's reply, a referral)."""
    first = (
        events.filter(case=OuterRef("pk")).order_by().values("case").annotate(first=Min("created_at")).values("first")
    )
    rows = cases.annotate(first=Subquery(first)).filter(first__isnull=False).values_list("created_at", "first")
    return [first - created for created, first in rows]
