"""Repeat-extortionist matching: how its cost grows with the store and with earlier matches.

Two questions, each answered by figures measured side by side in this run, in one throwaway test
database:

1. The store: a new case's identifiers indexed and checked with 1,000 stored blind indexes and
   with 1,000,000 (the table is ANALYZEd after each bulk load, so PostgreSQL plans with statistics).
2. Earlier matches: a case naming a number found in no other case, against one naming a number
   already in 200 cases (alerts are written in one statement, one audit entry per case).

Each is the median of repeated runs with its spread; the verdicts are computed from the figures.
"""

from __future__ import annotations

import secrets
import statistics
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from amana.accounts.models import Organisation, RoleAssignment, User
from amana.cases.models import Case
from amana.evidence import matching
from amana.evidence.identifiers import Identifier, IdentifierKind
from amana.evidence.models import MatchAlert, PerpetratorIndex
from amana.evidence.sample_cases import BATCH, bare_cases, index_cases
from amana.vault import services as vault
from bench import throwaway_database

SIZES = (1_000, 1_000_000)
PER_CASE = 4
LOOKUPS = 100
REPEATS = 5
EARLIER_MATCHES = 200
# Growth allowed before a verdict says "grows": the store is 1000x larger, lookups are logarithmic.
STORE_GROWTH_LIMIT = 3.0
MATCH_GROWTH_LIMIT = 2.0


def _organisation(name: str) -> int:
    organisation = Organisation.objects.create(name=name, kind="ngo")
    supervisor = User.objects.create(username=f"bench.{organisation.pk}.supervisor", organisation=organisation)
    RoleAssignment.objects.create(user=supervisor, role="supervisor")
    return organisation.pk


def analyze() -> None:
    """Statistics for the planner after a bulk load; on PostgreSQL also a checkpoint, so that the
    writing-out of the load does not slow the commits being timed."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")


def fill(organisation_id: int, size: int) -> float:
    """Store ``size`` blind indexes over ``size / PER_CASE`` cases; returns the insert rate (rows per second)."""
    MatchAlert.objects.all().delete()
    PerpetratorIndex.objects.all().delete()
    Case.objects.all().delete()
    case_ids = bare_cases(organisation_id, size // PER_CASE)
    start = time.perf_counter()
    batch: list[PerpetratorIndex] = []
    for number in range(size):
        batch.append(
            PerpetratorIndex(case_id=case_ids[number // PER_CASE], kind="phone", blind_index=secrets.token_hex(32))
        )
        if len(batch) == BATCH:
            PerpetratorIndex.objects.bulk_create(batch)
            batch = []
    PerpetratorIndex.objects.bulk_create(batch)
    rate = size / (time.perf_counter() - start)
    analyze()
    return rate


def _new_number() -> Identifier:
    return Identifier(IdentifierKind.PHONE, f"+96477{secrets.randbelow(10**8):08d}")


def match_new_cases(case_ids: list[int], named: list[Identifier] | None = None) -> float:
    """Median time to index one case's identifiers: three new numbers, and the i-th of ``named`` for the
    i-th case (or one more new number)."""
    cases = list(Case.objects.filter(pk__in=case_ids).order_by("pk"))
    times = []
    for number, case in enumerate(cases):
        identifiers = [_new_number() for _ in range(3)] + [named[number] if named else _new_number()]
        start = time.perf_counter()
        with transaction.atomic():
            matching.index_case(case=case, identifiers=identifiers)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms (min {min(values) * 1000:.2f}, max {max(values) * 1000:.2f})"


def by_store_size(organisation_id: int) -> dict[int, list[float]]:
    """Each new case names three new numbers and one number held by one stored case."""
    results: dict[int, list[float]] = {}
    for size in SIZES:
        rate = fill(organisation_id, size)
        case_ids = list(Case.objects.values_list("pk", flat=True))
        stored = [case_ids[secrets.randbelow(len(case_ids))] for _ in range(LOOKUPS * REPEATS)]
        known = [_new_number() for _ in stored]
        for case_id, identifier in zip(stored, known, strict=True):
            index_cases([case_id], vault.blind_index(identifier.kind, identifier.value))
        fresh = bare_cases(organisation_id, LOOKUPS * REPEATS, prefix="N")
        analyze()
        results[size] = [
            match_new_cases(fresh[run * LOOKUPS : (run + 1) * LOOKUPS], known[run * LOOKUPS : (run + 1) * LOOKUPS])
            for run in range(REPEATS)
        ]
        print(
            f"{size:>9,} stored identifiers: bulk insert {rate:,.0f} rows/s, one new case matched in "
            f"{spread(results[size])}"
        )
    return results


def by_earlier_matches(organisation_id: int, other_id: int) -> tuple[list[float], list[float], tuple[int, int]]:
    """A case naming a new number against one naming a number already in EARLIER_MATCHES cases."""
    known = _new_number()
    digest = vault.blind_index(known.kind, known.value)
    holders = bare_cases(organisation_id, EARLIER_MATCHES // 2, prefix="H") + bare_cases(
        other_id, EARLIER_MATCHES // 2, prefix="I"
    )
    index_cases(holders, digest)
    analyze()
    fresh, matched, queries = [], [], []
    for run in range(REPEATS):
        cases = bare_cases(organisation_id, 2 * LOOKUPS, prefix=f"R{run}")
        fresh.append(match_new_cases(cases[:LOOKUPS]))
        matched.append(match_new_cases(cases[LOOKUPS:], [known] * LOOKUPS))
    for identifier in (_new_number(), known):
        case = Case.objects.get(pk=bare_cases(organisation_id, 1, prefix="Q")[0])
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            matching.index_case(case=case, identifiers=[identifier])
        queries.append(len(captured.captured_queries))
        MatchAlert.objects.filter(case=case).delete()
    return fresh, matched, (queries[0], queries[1])


def main() -> None:
    with throwaway_database():
        organisation_id = _organisation("Bench NGO (example)")
        other_id = _organisation("Bench partner NGO (example)")
        store = by_store_size(organisation_id)
        small, large = (statistics.median(store[size]) for size in SIZES)
        growth = large / small
        verdict = "indexed: it does not grow with the store" if growth <= STORE_GROWTH_LIMIT else "GROWS with the store"
        print(
            f"matching with {SIZES[1]:,} stored takes {growth:.2f}x the time with {SIZES[0]:,} "
            f"({SIZES[1] // SIZES[0]:,}x more rows): {verdict}"
        )
        fill(organisation_id, SIZES[0])
        fresh, matched, (fresh_queries, matched_queries) = by_earlier_matches(organisation_id, other_id)
        print(f"a case naming a new number: {spread(fresh)}, {fresh_queries} queries")
        print(
            f"a case naming a number already in {EARLIER_MATCHES} cases: {spread(matched)}, {matched_queries} queries"
        )
        ratio = statistics.median(matched) / statistics.median(fresh)
        verdict = (
            "its queries do not grow with earlier matches"
            if matched_queries == fresh_queries
            else f"GROWS: {matched_queries} queries against {fresh_queries}"
        )
        time_verdict = "within" if ratio <= MATCH_GROWTH_LIMIT else "OVER"
        print(
            f"matching after {EARLIER_MATCHES} earlier matches: {verdict}; it takes {ratio:.2f}x the time "
            f"({time_verdict} {MATCH_GROWTH_LIMIT:.1f}x), the extra being the {EARLIER_MATCHES} alert rows it writes"
        )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amana.settings")
    django.setup()
    main()
