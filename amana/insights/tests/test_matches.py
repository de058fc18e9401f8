"""Repeat extortionists: a number of cases from blind indexes only, hidden when small."""

from __future__ import annotations

from django.utils.translation import override

from amana.evidence.models import PerpetratorIndex
from amana.insights.tests.conftest import counted_cases

PERIOD = {"first": "2025-01", "last": "2025-06"}
LABEL = "Cases whose extortionist is named in another case too"


def repeat_figure(client) -> str | None:
    counts = client.get("/staff/insights/", PERIOD).context["result"].counts
    with override("en"):
        return next(value for label, value in counts if str(label) == LABEL)


def test_it_counts_cases_sharing_an_extortionist_and_hides_few(personas, login) -> None:
    shared, alone = "a" * 64, "b" * 64
    cases = counted_cases(personas.ngo, 6)
    uncounted = counted_cases(personas.ngo, 1, consent=False)[0]
    # The example report names one extortionist in every case; start from cases naming none.
    PerpetratorIndex.objects.all().delete()
    for case in cases[:3]:
        PerpetratorIndex.objects.create(case=case, kind="phone", blind_index=shared)
    PerpetratorIndex.objects.create(case=cases[5], kind="phone", blind_index=alone)
    client = login(personas.me_officer)
    assert repeat_figure(client) is None  # three cases: hidden
    for case in [*cases[3:5], uncounted]:
        PerpetratorIndex.objects.create(case=case, kind="phone", blind_index=shared)
    # Five counted cases share it (the uncounted one only makes the match); the lone one does not count.
    assert repeat_figure(client) == "5"
