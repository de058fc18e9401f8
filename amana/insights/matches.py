"""Repeat extortionists: counted cases whose extortionist is named in another case too.

Matching reads only the keyed blind indexes the evidence app keeps per case; no identifier is ever
decrypted or shown. The other case may be in any organisation and need not be counted itself: it
only makes the match. The figure is a number of cases, hidden below the threshold.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count

from amana.cases.models import Case
from amana.evidence.models import PerpetratorIndex


def cases_with_repeat_extortionist(cases: models.QuerySet[Case]) -> int:
    repeated = (
        PerpetratorIndex.objects.values("blind_index")
        .annotate(cases=Count("case", distinct=True))
        .filter(cases__gte=2)
        .values("blind_index")
    )
    return cases.filter(identifier_index__blind_index__in=repeated).values("pk").distinct().count()
