"""The insights dashboard at 10,000, 100,000 and 1,000,000 cases, beside a trivial signed-in page.

On PostgreSQL. For each size, an organisation of its own gets that many cases over 24 months,
bulk-inserted by the database itself (generate_series), each with its five empty lockers, a
statistics consent for nine cases in ten and a first reply for one in ten; then ANALYZE. Its 24
monthly releases are made through the real service, each timed (at 1,000,000 cases, the cost of
making one month's release); the records a release counted are analysed after it, untimed, as the
database's autovacuum would in the month between two releases. Then the dashboard for all 24
months and the staff home page (the trivial signed-in page) are fetched through the whole
middleware stack, alternately, several times each: medians with their spread, the ratio of the
two, and a verdict against the goal (within 2x).
Sizes: AMANA_BENCH_SIZES (default 10000,100000,1000000). On SQLite this prints why it is skipped.
"""

from __future__ import annotations

import os
import secrets
import statistics
import time
from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import throwaway_database


def _sizes() -> list[int]:
    return [int(size) for size in os.environ.get("AMANA_BENCH_SIZES", "10000,100000,1000000").split(",")]


COMPARTMENTS = ("identity", "incident", "evidence", "care", "messages")
MONTHS = 24
FIRST_MONTH = date(2023, 1, 1)
REPEATS = 25
GOAL = 2.0


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
        "reference": "'I' || lpad(n::text, 8, '0')",
        "organisation_id": str(int(organisation_id)),
        "channel": pick(Channel, 3),
        "status": "'new'",
        "created_at": f"timestamp with time zone '{FIRST_MONTH}' + ((n %% {MONTHS}) * interval '1 month')",
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
        "month_reported": f"date '{FIRST_MONTH}' + ((n %% {MONTHS}) * interval '1 month')",
        "wants": "'[]'::jsonb",
        "identity_sealed": "''::bytea",
        "incident_sealed": "''::bytea",
    }
    for index, compartment in enumerate(COMPARTMENTS):
        expressions[f"{compartment}_locker_id"] = f"(%(first_locker)s + (i - 1) * 5 + {index})"
    names, sql, params = [], [], []
    for field in Case._meta.concrete_fields:
        # The database computes generated columns (the urgency flag) itself.
        if field.primary_key or getattr(field, "generated", False):
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


def _insert(start: int, count: int, organisation_id: int) -> None:
    """Cases numbered start..start+count-1, with their lockers, consents and some first replies."""
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
            "INSERT INTO cases_casemessage (case_id, sender, body_sealed, under_duress, created_at) "
            "SELECT id, 'staff', ''::bytea, false, created_at + ((id %% 96) * interval '1 hour') "
            "FROM cases_case WHERE id > %s AND id %% 10 = 3",
            [last_case],
        )
        cursor.execute("ANALYZE")


def _me_officer(size: int) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from amana.accounts import services as accounts
    from amana.accounts.models import OrganisationKind, Role
    from amana.vault import services as vault

    ngo = accounts.create_organisation(actor=None, name=f"Bench NGO {size} (example)", kind=OrganisationKind.NGO)
    keyring = vault.keyring_from_recovery(organisation=ngo, recovery_key=ngo.recovery_key)  # type: ignore[attr-defined]
    user = accounts.create_member(
        actor=None,
        organisation=ngo,
        username=f"bench.me.{size}",
        password=secrets.token_urlsafe(16),
        roles=[Role.ME_OFFICER],
        keyring=keyring,
    )
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return user


def _client(user: Any) -> Any:
    """A client signed in with both factors, as after the real sign-in."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from amana.accounts.middleware import EPOCH

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session[EPOCH] = user.session_epoch
    session.save()
    return client


def _timed(fetch: Any) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        response = fetch()
        took = time.perf_counter() - began
    assert response.status_code == 200, response.status_code
    return took, len(queries.captured_queries)


def _measure(user: Any) -> dict[str, Any]:
    """Dashboard and home page fetched alternately; medians and spreads in milliseconds."""
    client = _client(user)
    last = date(FIRST_MONTH.year + (MONTHS - 1) // 12, (MONTHS - 1) % 12 + 1, 1)
    query = {"first": FIRST_MONTH.strftime("%Y-%m"), "last": last.strftime("%Y-%m")}

    def dashboard() -> Any:
        return client.get("/staff/insights/", query)

    def home() -> Any:
        return client.get("/staff/")

    for _warm in range(3):  # the caches, the connection and the templates
        dashboard(), home()
    times: dict[str, list[float]] = {"dashboard": [], "home": []}
    queries = {}
    for _repeat in range(REPEATS):
        for name, fetch in (("dashboard", dashboard), ("home", home)):
            took, count = _timed(fetch)
            times[name].append(took * 1000)
            queries[name] = count
    return {
        name: (statistics.median(values), max(values) - min(values), queries[name]) for name, values in times.items()
    }


def _release_all(user: Any) -> list[float]:
    from amana.insights.services import add_months, make_release

    took = []
    for index in range(MONTHS):
        began = time.perf_counter()
        make_release(organisation=user.organisation, month=add_months(FIRST_MONTH, index))
        took.append(time.perf_counter() - began)
        # Two years of releases made in minutes: what they counted is analysed, as autovacuum would
        # have done in the month between two releases (not timed).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE insights_counted")
    return took


def main() -> None:
    if connection.vendor != "postgresql":
        print("skipped: the insights benchmark needs PostgreSQL (set DATABASE_URL); SQLite is for development only.")
        return
    rows = []
    with throwaway_database():
        start = 0
        for size in _sizes():
            user = _me_officer(size)
            began = time.perf_counter()
            _insert(start, size, user.organisation_id)
            start += size
            print(f"inserted {size:,} cases in {time.perf_counter() - began:.1f} s")
            releases = _release_all(user)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            rows.append((size, releases, _measure(user)))
    print(f"{'cases':>10} {'dashboard ms':>16} {'home ms':>14} {'ratio':>6} {'queries':>8}  verdict")
    for size, _releases, figures in rows:
        (dash, dash_spread, dash_queries), (home, home_spread, _home_queries) = figures["dashboard"], figures["home"]
        ratio = dash / home
        verdict = "within the goal" if ratio <= GOAL else f"over the goal of {GOAL:.0f}x"
        print(
            f"{size:>10,} {dash:>9.1f} ±{dash_spread:>5.1f} {home:>7.1f} ±{home_spread:>5.1f} "
            f"{ratio:>5.2f}x {dash_queries:>8}  {verdict}"
        )
    for size, releases, _figures in rows:
        per_month = size // MONTHS
        print(
            f"{size:>10,} cases: one month's release (about {per_month:,} cases) took "
            f"median {statistics.median(releases):.2f} s, last {releases[-1]:.2f} s, range "
            f"{min(releases):.2f}-{max(releases):.2f} s"
        )
    small, large = rows[0][2]["dashboard"][0], rows[-1][2]["dashboard"][0]
    print(f"{rows[-1][0] // rows[0][0]}x the cases: the dashboard took {large / small:.2f}x the time")
