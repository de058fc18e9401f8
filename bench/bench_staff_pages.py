"""Staff pages at 10,000, 100,000 and 1,000,000 cases on PostgreSQL, each beside a trivial signed-in page.

Every page is requested through the whole middleware stack (sessions, sign-in with both factors,
the vault's session keys, CSRF, security headers) by a test client signed in through the real
login views, as a browser would be. At each size, the trivial page (the staff home) and each staff
page are requested in turns, RUNS times, so both meet the same machine state; the table shows the
median and the spread (the 10th to 90th percentile) of each, their ratio, and the number of queries
each page made. The goal is a ratio of at most 2 at every size: the verdict is computed from the
medians and the benchmark fails when a page misses it.

Cases are bulk-inserted with SQL into a throw-away database (lockers without keys: the lists never
open a sealed part), then VACUUM ANALYZE is run so the planner has statistics (and the visibility map is set, as
autovacuum keeps it) before anything is timed.
One real case, made through the services, is the one the case page and search open. Needs
DATABASE_URL to point at PostgreSQL. Sizes: AMANA_BENCH_SIZES (default 10000,100000,1000000).
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client

from bench import throwaway_database

RUNS = 15
GOAL = 2.0
CASEWORKERS = 20
COMPARTMENTS = ("identity", "incident", "evidence", "care", "messages")


def _sizes() -> list[int]:
    return [int(size) for size in os.environ.get("AMANA_BENCH_SIZES", "10000,100000,1000000").split(",")]


def _max_case_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        return int(cursor.fetchone()[0])


def _insert_cases(organisation_id: int, workers: list[int], start: int, count: int) -> None:
    """Cases in every status (seven in ten open), some urgent, nine in ten assigned; a follow-up overdue
    on one in ten."""
    before = _max_case_id()
    with connection.cursor() as cursor:
        lockers = {}
        for compartment in COMPARTMENTS:
            cursor.execute(
                "INSERT INTO vault_locker (compartment, current_version, created_at, shred_reason) "
                "SELECT %s, 1, now(), '' FROM generate_series(1, %s) RETURNING id",
                [compartment, count],
            )
            lockers[compartment] = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            INSERT INTO cases_case (
                reference, organisation_id, channel, status, created_at, updated_at, danger_now, self_harm,
                duress_suspected, awaiting_reply, for_whom, platform, demands, published, technology_facilitated,
                district, age_band, month_reported, wants, identity_locker_id, incident_locker_id, evidence_locker_id,
                care_locker_id, messages_locker_id, identity_sealed, incident_sealed, assigned_to_id, risk_level,
                closure_requested
            )
            SELECT
                'B' || substr(lpad((i + %s)::text, 8, '0'), 2, 3) || '-' || substr(lpad((i + %s)::text, 8, '0'), 5, 4),
                %s, 'web',
                CASE WHEN i %% 10 < 3 THEN 'closed' WHEN i %% 10 < 7 THEN 'in_progress' ELSE 'new' END,
                now() - (i + %s) * interval '1 minute', now(), i %% 97 = 0, i %% 89 = 0, false, i %% 7 = 0,
                'self', 'whatsapp', '[]', 'no', 'not_recorded',
                'qayyarah', CASE WHEN i %% 6 = 0 THEN '15_17' ELSE '18_24' END, date_trunc('month', now())::date, '[]',
                identity, incident, evidence, care, messages, '\\x'::bytea, '\\x'::bytea,
                CASE WHEN i %% 10 = 9 THEN NULL ELSE (%s::bigint[])[1 + i %% %s] END,
                CASE WHEN i %% 50 = 0 THEN 'high' ELSE '' END, false
            FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[])
                WITH ORDINALITY AS l(identity, incident, evidence, care, messages, i)
            """,
            [start, start, organisation_id, start, workers, len(workers), *(lockers[c] for c in COMPARTMENTS)],
        )
        cursor.execute(
            "INSERT INTO cases_followup (case_id, due_at, channel, status, details_sealed, created_at) "
            "SELECT id, now() - interval '1 day', 'call', 'scheduled', '\\x'::bytea, now() "
            "FROM cases_case WHERE organisation_id = %s AND id %% 10 = 5 AND id > %s",
            [organisation_id, before],
        )
        # What the services keep on each case when they schedule a follow-up: when it falls due.
        cursor.execute(
            "UPDATE cases_case SET next_due_at = now() - interval '1 day' "
            "WHERE organisation_id = %s AND id %% 10 = 5 AND id > %s",
            [organisation_id, before],
        )
        # What autovacuum does in production: statistics for the planner, and the visibility map
        # that lets counts be read from an index alone.
        cursor.execute("VACUUM ANALYZE")


class HttpsClient(Client):
    """Every request over HTTPS, as production serves them (secure cookies, HSTS, no redirect)."""

    def generic(self, method: str, path: str, *args: Any, secure: bool = True, **kwargs: Any) -> Any:
        return super().generic(method, path, *args, secure=True, **kwargs)


def _people() -> tuple[Any, Any, Any, Any]:
    """A real NGO, supervisor and caseworkers (keys, passwords, authenticators), and one real case."""
    from amana.accounts import services as accounts
    from amana.accounts.models import OrganisationKind, Role
    from amana.cases import services as cases
    from amana.channel.tests.conftest import make_case
    from amana.vault import services as vault
    from conftest import PASSWORD

    ngo = accounts.create_organisation(actor=None, name="Bench NGO (example)", kind=OrganisationKind.NGO)
    keyring = vault.keyring_from_recovery(organisation=ngo, recovery_key=ngo.recovery_key)  # type: ignore[attr-defined]

    def member(name: str, role: str) -> Any:
        return accounts.create_member(
            actor=None, organisation=ngo, username=name, password=PASSWORD, roles=[role], keyring=keyring
        )

    supervisor = member("bench.supervisor", Role.SUPERVISOR)
    workers = [member(f"bench.caseworker.{n}", Role.CASEWORKER) for n in range(CASEWORKERS)]
    case, _code = make_case(ngo)
    cases.assign_case(case=case, caseworker=workers[0], by=supervisor)
    return ngo, supervisor, workers, case


def _notifications(supervisor: Any, after_id: int) -> None:
    """A notification for the supervisor on one new case in twenty."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_notification (recipient_id, kind, case_id, about, url, created_at) "
            "SELECT %s, 'assigned', id, '', '', created_at FROM cases_case WHERE id %% 20 = 0 AND id > %s",
            [supervisor.pk, after_id],
        )
        cursor.execute("VACUUM ANALYZE cases_notification")


def _deep_cursor(supervisor: Any) -> str:
    """The cursor of the queue's 100th page, as the 'next page' links would reach it."""
    from amana.cases import selectors
    from amana.core.keyset import keyset_page

    page = keyset_page(selectors.queue_for(supervisor).all()[2475:], None, 25)  # a slice keeps the order
    return page.next_cursor


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _measure(client: Client, url: str, baseline: str) -> tuple[list[float], list[float], int]:
    for path in (url, baseline):  # warm the template cache and the connection
        assert client.get(path).status_code == 200, path
    # Counted by a wrapper around every statement: the test client resets Django's own query log at
    # the start of each request.
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    page_times, base_times = [], []
    for _ in range(RUNS):
        for path, times in ((baseline, base_times), (url, page_times)):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, path
    return page_times, base_times, len(statements)


def _pages(supervisor_client: Client, case: Any, cursor: str) -> dict[str, tuple[Client, str]]:
    return {
        "queue, first page": (supervisor_client, "/staff/cases/"),
        "queue, page 100": (supervisor_client, f"/staff/cases/?view=open&after={cursor}"),
        "queue, overdue": (supervisor_client, "/staff/cases/?view=overdue"),
        "queue, children": (supervisor_client, "/staff/cases/?view=open&children=1"),
        "caseloads": (supervisor_client, "/staff/cases/caseload/"),
        "search by reference": (supervisor_client, f"/staff/cases/search/?q={case.reference}"),
        "case page": (supervisor_client, f"/staff/cases/{case.reference}/"),
        "notifications": (supervisor_client, "/staff/cases/notifications/"),
    }


def _spread(times: list[float]) -> str:
    median, low, high = (statistics.median(times), _percentile(times, 0.1), _percentile(times, 0.9))
    return f"{median * 1000:.1f} ({low * 1000:.1f}-{high * 1000:.1f})"


def _report(size: int, measured: dict[str, tuple[list[float], list[float], int]]) -> list[str]:
    misses = []
    print(f"-- {size:,} cases")
    print(f"{'page':<22}{'median (p10-p90)':>24}{'home page':>24}{'ratio':>8}{'queries':>9}")
    for name, (page, base, queries) in measured.items():
        ratio = statistics.median(page) / statistics.median(base)
        spread, base_spread = _spread(page), _spread(base)
        print(f"{name:<22}{spread + ' ms':>24}{base_spread + ' ms':>24}{ratio:>7.1f}x{queries:>9}")
        if ratio > GOAL:
            misses.append(f"{name} at {size:,} ({ratio:.1f}x)")
    return misses


def main() -> bool | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("skipped: set DATABASE_URL to a PostgreSQL database (postgres://...) to time staff pages at scale")
        return None
    from amana.cases.services import recount_caseloads
    from conftest import signed_in_client

    # Keys are derived only while setting up and signing in, never by the pages timed: the smallest
    # Argon2 cost keeps the set-up short without changing what is measured.
    settings.AMANA_KDF_COST = "minimum"
    misses: list[str] = []
    with throwaway_database(serialize=False):
        ngo, supervisor, workers, case = _people()
        client = signed_in_client(supervisor, HttpsClient())
        inserted = 0
        for size in _sizes():
            start = time.perf_counter()
            before = _max_case_id()
            _insert_cases(ngo.pk, [worker.pk for worker in workers], inserted, size - inserted)
            _notifications(supervisor, before)
            # The bulk load bypasses the case services, which keep each caseworker's count as cases
            # move: count them once, as the migration that made the counts did.
            recount_caseloads(worker.pk for worker in workers)
            print(f"inserted {size - inserted:,} cases in {time.perf_counter() - start:.0f} s (VACUUM ANALYZE done)")
            inserted = size
            pages = _pages(client, case, _deep_cursor(supervisor))
            measured = {name: _measure(c, url, "/staff/") for name, (c, url) in pages.items()}
            misses += _report(size, measured)
    verdict = "every page within 2x the home page at every size" if not misses else "over 2x: " + "; ".join(misses)
    print(f"verdict: {verdict}")
    return not misses
