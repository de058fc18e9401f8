"""Repeat extortionists: the blind indexes of a case's identifiers, and alerts when cases share one.

Only keyed hashes are compared (``vault.blind_index``), so nothing is decrypted to match. When a
case gains an identifier that another case (of any organisation) also names, the supervisors of
each organisation holding one of the two cases are alerted about their own case, once per pair of
cases: the other case is named only to its own organisation; who holds it, and anything it says, is
never revealed to another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from amana.accounts.models import Role, RoleAssignment, User
from amana.audit.services import record
from amana.cases.models import Case
from amana.evidence.identifiers import Identifier, parse_identifiers
from amana.evidence.models import MatchAlert, PerpetratorIndex
from amana.vault import services as vault


def digests_of(identifiers: Iterable[Identifier]) -> dict[str, str]:
    """The blind index of each identifier, with the identifier's kind."""
    return {vault.blind_index(identifier.kind, identifier.value): identifier.kind for identifier in identifiers}


def identifiers_of_incident(incident: dict[str, Any]) -> set[Identifier]:
    """Every identifier a sealed incident names (phone numbers and accounts); what cannot be read is skipped."""
    texts = [*incident.get("perpetrator_phones", []), *incident.get("perpetrator_accounts", [])]
    return set(parse_identifiers("\n".join(str(text) for text in texts)).identifiers)


@transaction.atomic
def index_incident(*, case: Case, incident: dict[str, Any]) -> int:
    return index_case(case=case, identifiers=identifiers_of_incident(incident))


@transaction.atomic
def index_case(*, case: Case, identifiers: Iterable[Identifier]) -> int:
    """Make the case's blind indexes those of ``identifiers``; alert on the ones it did not have yet.

    Returns how many alerts were written.
    """
    wanted = digests_of(identifiers)
    existing = set(PerpetratorIndex.objects.filter(case=case).values_list("blind_index", flat=True))
    PerpetratorIndex.objects.filter(case=case).exclude(blind_index__in=list(wanted)).delete()
    new = [digest for digest in wanted if digest not in existing]
    PerpetratorIndex.objects.bulk_create(
        [PerpetratorIndex(case=case, kind=wanted[digest], blind_index=digest) for digest in sorted(new)]
    )
    return alert_on_matches(case=case, digests=new)


def cases_sharing(digests: Iterable[str]) -> dict[str, set[tuple[int, int]]]:
    """For each blind index, the (case, organisation) pairs that name it; one query."""
    sharing: dict[str, set[tuple[int, int]]] = defaultdict(set)
    rows = PerpetratorIndex.objects.filter(blind_index__in=list(digests)).values_list(
        "blind_index", "case_id", "case__organisation_id"
    )
    for digest, case_id, organisation_id in rows:
        sharing[digest].add((case_id, organisation_id))
    return sharing


def count_cases(digest: str) -> int:
    return PerpetratorIndex.objects.filter(blind_index=digest).values("case").distinct().count()


def _alerts_statement(case: Case, digests: list[str]) -> tuple[str, list[Any]]:
    """One INSERT … SELECT that writes every alert a case's new blind indexes call for.

    The pairs are the case with each other case naming one of ``digests``. The supervisors of the
    case's organisation get an alert about it; those of another organisation holding the other case
    get one about theirs (within one organisation the pair is one alert, about the newer case). A
    pair already alerted is left as it is. Written in the database in one statement, so its cost in
    queries is the same for a new number and for one named in hundreds of cases.
    """
    quote = connection.ops.quote_name
    index, cases = quote(PerpetratorIndex._meta.db_table), quote(Case._meta.db_table)
    users, roles = quote(User._meta.db_table), quote(RoleAssignment._meta.db_table)
    alerts = quote(MatchAlert._meta.db_table)
    marks = ", ".join(["%s"] * len(digests))
    # Table names come from the models and digests are parameters: nothing here is user text.
    sql = f"""
        INSERT INTO {alerts} (recipient_id, organisation_id, case_id, other_case_id, created_at)
        SELECT u.id, pair.organisation_id, pair.case_id, pair.other_case_id, %s
        FROM (
            SELECT %s AS case_id, %s AS organisation_id, theirs.case_id AS other_case_id
            FROM {index} theirs
            WHERE theirs.blind_index IN ({marks}) AND theirs.case_id <> %s
            UNION
            SELECT theirs.case_id, holder.organisation_id, %s
            FROM {index} theirs JOIN {cases} holder ON holder.id = theirs.case_id
            WHERE theirs.blind_index IN ({marks}) AND theirs.case_id <> %s AND holder.organisation_id <> %s
        ) pair
        JOIN {users} u ON u.organisation_id = pair.organisation_id AND u.is_active
        JOIN {roles} r ON r.user_id = u.id AND r.role = %s
        WHERE true
        ON CONFLICT DO NOTHING
    """  # noqa: S608
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [now, case.pk, case.organisation_id, *digests, case.pk, case.pk, *digests, case.pk]
    return sql, [*params, case.organisation_id, Role.SUPERVISOR.value]


@transaction.atomic
def alert_on_matches(*, case: Case, digests: Iterable[str]) -> int:
    """Alert supervisors about every pair of cases that ``digests`` (new to ``case``) make.

    Steps: write the alerts of all pairs in one statement; when it wrote any, one audit entry for
    this case says that a repeat identifier was found, or else that its identifiers were indexed.
    Always the same statements, however many cases share the identifiers: a report's cost does not
    grow with earlier matches, and the audit chain's head is locked once. Returns the alerts written.
    """
    wanted = sorted(set(digests))
    if not wanted:
        return 0
    sql, params = _alerts_statement(case, wanted)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = max(cursor.rowcount, 0)
    action = "evidence.repeat_identifier_found" if written else "evidence.identifiers_indexed"
    record(actor=None, action=action, target=case)
    return written


@transaction.atomic
def mark_alerts_read(*, user: User, alert_ids: Iterable[int] | None = None) -> int:
    alerts = MatchAlert.objects.filter(recipient=user).unread()
    if alert_ids is not None:
        alerts = alerts.filter(pk__in=list(alert_ids))
    return alerts.update(read_at=timezone.now())
