"""Repeat-extortionist matching with 1,000,000 stored identifiers, side by side with 1,000.

Both stores are built in one throwaway test database (bulk inserts of blind indexes over cases);
the same work is timed on each: a new case's identifiers indexed and checked against every other
case, as when a case is created. The ratio shows how matching grows with the store.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.test.utils import setup_test_environment

from amana.cases.models import Case
from amana.evidence import matching
from amana.evidence.identifiers import Identifier, IdentifierKind
from amana.evidence.models import PerpetratorIndex
from amana.vault.models import Locker

SIZES = (1_000, 1_000_000)
PER_CASE = 4
LOOKUPS = 200
BATCH = 20_000


def _bench_organisation_id() -> int:
    from amana.accounts.models import Organisation

    organisation, _created = Organisation.objects.get_or_create(name="Bench NGO (example)", defaults={"kind": "ngo"})
    return organisation.pk


def _cases(count: int) -> list[int]:
    """Bare case rows (their lockers too), enough to hang identifiers on."""
    lockers = Locker.objects.bulk_create([Locker(compartment="incident") for _ in range(count * 5)], batch_size=BATCH)
    cases = []
    for number in range(count):
        own = lockers[number * 5 : number * 5 + 5]
        cases.append(
            Case(
                reference=f"B{number:08d}"[:9],
                organisation_id=_bench_organisation_id(),
                channel="web",
                for_whom="self",
                platform="whatsapp",
                published="no",
                district="qayyarah",
                age_band="18_24",
                month_reported="2023-03-01",
                identity_locker=own[0],
                incident_locker=own[1],
                evidence_locker=own[2],
                care_locker=own[3],
                messages_locker=own[4],
                identity_sealed=b"",
                incident_sealed=b"",
            )
        )
    return [case.pk for case in Case.objects.bulk_create(cases, batch_size=BATCH)]


def fill(size: int) -> float:
    """Store ``size`` blind indexes; returns the insert rate (rows per second)."""
    PerpetratorIndex.objects.all().delete()
    Case.objects.all().delete()
    case_ids = _cases(size // PER_CASE)
    start = time.perf_counter()
    rows = (
        PerpetratorIndex(case_id=case_ids[number // PER_CASE], kind="phone", blind_index=secrets.token_hex(32))
        for number in range(size)
    )
    batch: list[PerpetratorIndex] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            PerpetratorIndex.objects.bulk_create(batch)
            batch = []
    PerpetratorIndex.objects.bulk_create(batch)
    return size / (time.perf_counter() - start)


def match_new_cases() -> float:
    """Average time to index one new case's identifiers, one of them shared with a stored case."""
    cases = list(Case.objects.order_by("-pk")[:LOOKUPS])
    shared = list(PerpetratorIndex.objects.values_list("blind_index", flat=True)[:LOOKUPS])
    start = time.perf_counter()
    for case, digest in zip(cases, shared, strict=True):
        identifiers = [Identifier(IdentifierKind.PHONE, f"+96477{secrets.randbelow(10**8):08d}") for _ in range(3)]
        with transaction.atomic():
            matching.index_case(case=case, identifiers=identifiers)
            matching.alert_on_matches(case=case, digests=[digest])
    return (time.perf_counter() - start) / LOOKUPS


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _bench_organisation_id()
        results = {}
        for size in SIZES:
            rate = fill(size)
            results[size] = match_new_cases()
            print(
                f"{size:>9,} stored identifiers: bulk insert {rate:,.0f} rows/s, one new case matched in "
                f"{results[size] * 1000:.2f} ms"
            )
        small, large = results[SIZES[0]], results[SIZES[1]]
        print(
            f"matching with {SIZES[1]:,} stored takes {large / small:.2f}x the time with {SIZES[0]:,} "
            f"({SIZES[1] // SIZES[0]:,}x more rows): the blind-index lookup is indexed, not a scan"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        del test_name


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amana.settings")
    django.setup()
    main()
