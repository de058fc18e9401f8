"""Bare case rows naming one identifier, for tests and benchmarks of repeat-extortionist matching.

Only what matching reads is filled in (the case, its empty lockers and its blind indexes); nothing
is sealed, so thousands of cases cost one insert each of lockers, cases and indexes.
"""

from __future__ import annotations

import itertools

from amana.cases.models import Case
from amana.evidence.models import PerpetratorIndex
from amana.vault.models import Locker

BATCH = 20_000
# References unique within the process (a real one is "K7Q2-93XD", so these never meet one).
_SERIAL = itertools.count(1)
_LOCKERS = ("identity", "incident", "evidence", "care", "messages")


def bare_cases(organisation_id: int, count: int, *, prefix: str = "B") -> list[int]:
    """``count`` case rows of the organisation with empty lockers; returns their ids."""
    lockers = Locker.objects.bulk_create(
        [Locker(compartment=name) for _ in range(count) for name in _LOCKERS], batch_size=BATCH
    )
    cases = []
    for number in range(count):
        own = dict(zip(_LOCKERS, lockers[number * 5 : number * 5 + 5], strict=True))
        cases.append(
            Case(
                reference=f"{prefix[:1]}{next(_SERIAL):08d}",
                organisation_id=organisation_id,
                channel="web",
                for_whom="self",
                platform="whatsapp",
                published="no",
                district="qayyarah",
                age_band="18_24",
                month_reported="2023-03-01",
                identity_locker=own["identity"],
                incident_locker=own["incident"],
                evidence_locker=own["evidence"],
                care_locker=own["care"],
                messages_locker=own["messages"],
                identity_sealed=b"",
                incident_sealed=b"",
            )
        )
    return [case.pk for case in Case.objects.bulk_create(cases, batch_size=BATCH)]


def index_cases(case_ids: list[int], digest: str, kind: str = "phone") -> None:
    """Let each case name the identifier whose blind index is ``digest``."""
    PerpetratorIndex.objects.bulk_create(
        [PerpetratorIndex(case_id=case_id, kind=kind, blind_index=digest) for case_id in case_ids], batch_size=BATCH
    )
