"""The case queue and caseload pages with 100,000 cases on PostgreSQL, beside the same pages with 1,000.

Each page is built as its view builds it (the selector, the paginator, the template rendered with
the staff layout) and timed as the median of several runs, with the number of queries it makes.
The baseline is an organisation with 1,000 cases in the same database, measured in the same run,
so the ratios say how the pages grow with the number of cases on any machine.

Cases are bulk-inserted with SQL in a throw-away database (lockers hold no keys: the lists never
open a sealed part). Needs DATABASE_URL to point at PostgreSQL; SQLite is not what runs at scale.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

BIG, SMALL = 100_000, 1_000
CASEWORKERS = 20
RUNS = 5
COMPARTMENTS = ("identity", "incident", "evidence", "care", "messages")


def _insert_lockers(count: int) -> dict[str, list[int]]:
    lockers = {}
    with connection.cursor() as cursor:
        for compartment in COMPARTMENTS:
            cursor.execute(
                "INSERT INTO vault_locker (compartment, current_version, created_at, shred_reason) "
                "SELECT %s, 1, now(), '' FROM generate_series(1, %s) RETURNING id",
                [compartment, count],
            )
            lockers[compartment] = [row[0] for row in cursor.fetchall()]
    return lockers


def _insert_cases(organisation_id: int, workers: list[int], count: int, prefix: str) -> None:
    """Cases in every status, some urgent, nine in ten assigned, one in ten (open ones) with an overdue follow-up."""
    lockers = _insert_lockers(count)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_case (
                reference, organisation_id, channel, status, created_at, updated_at, danger_now, self_harm,
                duress_suspected, awaiting_reply, for_whom, platform, demands, published, district, age_band,
                month_reported, wants, identity_locker_id, incident_locker_id, evidence_locker_id, care_locker_id,
                messages_locker_id, identity_sealed, incident_sealed, assigned_to_id, risk_level, closure_requested
            )
            SELECT
                %s || substr(lpad(i::text, 8, '0'), 2, 3) || '-' || substr(lpad(i::text, 8, '0'), 5, 4),
                %s, 'web',
                CASE WHEN i %% 10 < 3 THEN 'closed' WHEN i %% 10 < 7 THEN 'in_progress' ELSE 'new' END,
                now() - i * interval '5 minutes', now(), i %% 97 = 0, i %% 89 = 0, false, i %% 7 = 0,
                'self', 'whatsapp', '[]', 'no', 'qayyarah', '18_24', date_trunc('month', now())::date, '[]',
                identity, incident, evidence, care, messages, '\\x'::bytea, '\\x'::bytea,
                CASE WHEN i %% 10 = 9 THEN NULL ELSE (%s::bigint[])[1 + i %% %s] END,
                CASE WHEN i %% 50 = 0 THEN 'high' ELSE '' END, false
            FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[])
                WITH ORDINALITY AS l(identity, incident, evidence, care, messages, i)
            """,
            [prefix, organisation_id, workers, len(workers), *(lockers[c] for c in COMPARTMENTS)],
        )
        cursor.execute(
            "INSERT INTO cases_followup (case_id, due_at, channel, status, details_sealed, created_at) "
            "SELECT id, now() - interval '1 day', 'call', 'scheduled', '\\x'::bytea, now() "
            "FROM cases_case WHERE organisation_id = %s AND id %% 10 = 5",
            [organisation_id],
        )
        cursor.execute("ANALYZE")


def _organisation(name: str, count: int, prefix: str) -> tuple[Any, Any]:
    from amana.accounts.models import Organisation, OrganisationKind, RoleAssignment, User

    organisation = Organisation.objects.create(name=name, kind=OrganisationKind.NGO)
    supervisor = User.objects.create(username=f"{prefix}.supervisor", organisation=organisation)
    RoleAssignment.objects.create(user=supervisor, role="supervisor")
    workers = [
        User.objects.create(username=f"{prefix}.caseworker.{n}", organisation=organisation) for n in range(CASEWORKERS)
    ]
    RoleAssignment.objects.bulk_create([RoleAssignment(user=worker, role="caseworker") for worker in workers])
    _insert_cases(organisation.pk, [worker.pk for worker in workers], count, prefix)
    return supervisor, workers[1]


def _render(user: Any, template: str, context: dict[str, Any]) -> str:
    request = RequestFactory().get("/staff/cases/")
    request.user = user
    user.is_verified = lambda: True  # signed in with both factors, as require_roles demands
    return render_to_string(template, context, request=request)


def _pages(supervisor: Any, caseworker: Any) -> dict[str, Callable[[], str]]:
    from amana.cases import selectors
    from amana.cases.selectors import QueueView

    def queue(view: str, page: int = 1, user: Any = supervisor) -> Callable[[], str]:
        def build() -> str:
            cases = selectors.queue_for(user, view)
            context = {"page": Paginator(cases, 25).get_page(page), "view": view, "query": f"view={view}"}
            return _render(user, "cases/queue.html", context)

        return build

    def caseloads() -> str:
        return _render(supervisor, "cases/caseload.html", {"loads": selectors.caseloads_for(supervisor)})

    def own_caseload() -> str:
        cases = selectors.queue_for(caseworker, QueueView.OPEN).filter(assigned_to=caseworker)
        context = {"loads": None, "worker": caseworker, "page": Paginator(cases, 25).get_page(1)}
        return _render(caseworker, "cases/caseload.html", context)

    def overdue() -> str:
        follow_ups = selectors.overdue_follow_ups_for(supervisor)
        return _render(supervisor, "cases/overdue.html", {"page": Paginator(follow_ups, 25).get_page(1)})

    return {
        "queue, first page": queue(QueueView.OPEN),
        "queue, page 100": queue(QueueView.OPEN, 100),
        "queue, new not assigned": queue(QueueView.NEW),
        "queue, overdue": queue(QueueView.OVERDUE),
        "caseloads (supervisor)": caseloads,
        "own caseload (caseworker)": own_caseload,
        "overdue follow-ups": overdue,
    }


def _measure(build: Callable[[], str]) -> tuple[float, int]:
    build()  # warm the template cache
    with CaptureQueriesContext(connection) as captured:
        build()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(captured)


def main() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("skipped: set DATABASE_URL to a PostgreSQL database (postgres://...) to time 100,000 cases")
        return
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        start = time.perf_counter()
        big = _organisation("Bench NGO, large (example)", BIG, "B")
        small = _organisation("Bench NGO, small (example)", SMALL, "S")
        print(f"inserted {BIG + SMALL:,} cases in {time.perf_counter() - start:.1f} s")
        print(f"{'page':<28}{f'{SMALL:,} cases':>16}{f'{BIG:,} cases':>18}{'ratio':>8}{'queries':>10}")
        small_pages, big_pages = _pages(*small), _pages(*big)
        for name, build in big_pages.items():
            small_time, small_queries = _measure(small_pages[name])
            big_time, big_queries = _measure(build)
            queries = f"{small_queries}/{big_queries}"
            print(
                f"{name:<28}{small_time * 1000:>13.1f} ms{big_time * 1000:>15.1f} ms"
                f"{big_time / small_time:>7.1f}x{queries:>10}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
