"""The insights dashboard with 100,000 and then 1,000,000 cases, on PostgreSQL.

Cases are bulk-inserted by the database itself (generate_series), each with its own five empty
lockers (a case holds its lockers one to one, so they cannot be shared), a statistics consent for
nine cases in ten and a first reply for one in ten. The dashboard's work (every table, the exact
suppression audit and the response times over 24 months) is timed at both sizes, with the number of
queries, side by side. On SQLite this prints why it is skipped.
"""

from __future__ import annotations

import secrets
import time
from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

SIZES = (100_000, 1_000_000)
COMPARTMENTS = ("identity", "incident", "evidence", "care", "messages")
MONTHS = 24


def _case_columns(organisation_id: int) -> tuple[list[str], list[str], list[Any]]:
    """Column names, SQL expressions over the series number ``n``, and parameters for the rest.

    The SQL is run with parameters, so a modulo is written ``%%``.
    """
    from amana.cases.models import AgeBand, Case, Channel, District, Platform, Published

    def pick(choices: Any, salt: int) -> str:
        values = [str(value) for value in choices.values]
        cases = " ".join(f"WHEN {i} THEN '{value}'" for i, value in enumerate(values))
        return f"(CASE ((n * {salt} + n / 7) %% {len(values)}) {cases} END)"

    expressions = {
        "reference": "'B' || lpad(n::text, 8, '0')",
        "organisation_id": str(int(organisation_id)),
        "channel": pick(Channel, 3),
        "status": "'new'",
        "created_at": f"timestamp with time zone '2024-01-01' + ((n %% {MONTHS}) * interval '30 days')",
        "updated_at": "now()",
        "danger_now": "(n %% 53 = 0)",
        "self_harm": "(n %% 71 = 0)",
        "duress_suspected": "false",
        "awaiting_reply": "false",
        "for_whom": "'self'",
        "platform": pick(Platform, 5),
        "demands": """'["money"]'::jsonb""",
        "published": pick(Published, 11),
        "district": pick(District, 13),
        "age_band": pick(AgeBand, 17),
        "month_reported": f"date '2024-01-01' + ((n %% {MONTHS}) * interval '1 month')",
        "wants": "'[]'::jsonb",
        "identity_sealed": "''::bytea",
        "incident_sealed": "''::bytea",
    }
    for index, compartment in enumerate(COMPARTMENTS):
        expressions[f"{compartment}_locker_id"] = f"(%(first_locker)s + (i - 1) * 5 + {index})"
    names, sql, params = [], [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        if field.column in expressions:
            sql.append(expressions[field.column])
        elif field.null:
            sql.append("NULL")
        else:
            sql.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    return names, sql, params


def _insert(start: int, stop: int, organisation_id: int) -> None:
    """Cases numbered start..stop-1, with their lockers, consents and some first replies."""
    count = stop - start
    names, sql, params = _case_columns(organisation_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        last_case = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM vault_locker")
        first_locker = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO vault_locker (id, compartment, current_version, created_at, shred_reason) "
            "SELECT %s + g - 1, (ARRAY['identity','incident','evidence','care','messages'])[1 + (g - 1) %% 5], "
            "1, now(), '' FROM generate_series(1, %s) AS g",
            [first_locker, count * 5],
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('vault_locker', 'id'), (SELECT max(id) FROM vault_locker))"
        )
        columns = ", ".join(names)
        select = ", ".join(sql).replace("%(first_locker)s", str(int(first_locker)))
        cursor.execute(
            f"INSERT INTO cases_case ({columns}) SELECT {select} "  # noqa: S608  # our own columns and numbers
            f"FROM generate_series(1, %s) AS s(i), LATERAL (SELECT {int(start)} + i AS n) AS v",
            [*params, count],
        )
        cursor.execute(
            "INSERT INTO cases_consent (case_id, audience, scope, given, changed_at) "
            "SELECT id, 'statistics', 'incident', (id %% 10 <> 0), now() FROM cases_case WHERE id > %s",
            [last_case],
        )
        cursor.execute(
            "INSERT INTO cases_casemessage (case_id, sender, body_sealed, created_at) "
            "SELECT id, 'staff', ''::bytea, created_at + ((id %% 96) * interval '1 hour') "
            "FROM cases_case WHERE id > %s AND id %% 10 = 3",
            [last_case],
        )
        cursor.execute("ANALYZE")


def _measure(user: Any) -> tuple[float, int]:
    from amana.insights.selectors import Period, indicators

    period = Period(first=date(2024, 1, 1), last=date(2025, 12, 1))
    indicators(user, period)  # warm the database's caches
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        indicators(user, period)
        took = time.perf_counter() - began
    return took, len(queries.captured_queries)


def _me_officer() -> Any:
    from amana.accounts import services as accounts
    from amana.accounts.models import OrganisationKind, Role
    from amana.vault import services as vault

    ngo = accounts.create_organisation(actor=None, name="Bench NGO (example)", kind=OrganisationKind.NGO)
    keyring = vault.keyring_from_recovery(organisation=ngo, recovery_key=ngo.recovery_key)  # type: ignore[attr-defined]
    return accounts.create_member(
        actor=None,
        organisation=ngo,
        username="bench.me",
        password=secrets.token_urlsafe(16),
        roles=[Role.ME_OFFICER],
        keyring=keyring,
    )


def main() -> None:
    if connection.vendor != "postgresql":
        print("skipped: the insights benchmark needs PostgreSQL (set DATABASE_URL); SQLite is for development only.")
        return
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results = []
    try:
        user = _me_officer()
        done = 0
        for size in SIZES:
            began = time.perf_counter()
            _insert(done, size, user.organisation_id)
            print(f"inserted {size - done:,} cases in {time.perf_counter() - began:.1f} s")
            done = size
            results.append((size, *_measure(user)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(f"{'cases':>10}{'dashboard s':>13}{'queries':>9}")
    for size, took, queries in results:
        print(f"{size:>10,}{took:>13.2f}{queries:>9}")
    (small, small_time, _q), (large, large_time, _q2) = results
    print(f"{large // small}x the cases took {large_time / small_time:.1f}x the time")
