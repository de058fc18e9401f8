"""Repeat extortionists: the blind indexes of a case's identifiers, and alerts when cases share one.

Only keyed hashes are compared (``vault.blind_index``), so nothing is decrypted to match. When a
case gains an identifier that another case (of any organisation) also names, the supervisors of
each organisation holding one of those cases are alerted about their own case, with the number of
cases only: who holds the others, and anything about them, is never revealed here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from amana.accounts.models import Role, User
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

    Returns how many identifiers the case shares with at least one other case.
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


def _supervisors(organisation_ids: set[int]) -> dict[int, list[int]]:
    by_organisation: dict[int, list[int]] = defaultdict(list)
    rows = (
        User.objects.filter(
            organisation_id__in=organisation_ids, is_active=True, role_assignments__role=Role.SUPERVISOR
        )
        .values_list("organisation_id", "pk")
        .distinct()
    )
    for organisation_id, user_id in rows:
        by_organisation[organisation_id].append(user_id)
    return by_organisation


@transaction.atomic
def alert_on_matches(*, case: Case, digests: Iterable[str]) -> int:
    """Alert the supervisors of every organisation holding a case that shares one of ``digests``.

    Steps: find the cases naming each index (one query); for an index named by two cases or more,
    each supervisor of each holding organisation gets (or has updated) one alert about her own
    case, with the number of cases; one audit entry per case alerted. Returns the number of shared
    indexes.
    """
    shared = {digest: holders for digest, holders in cases_sharing(digests).items() if len(holders) > 1}
    if not shared:
        return 0
    organisations = {organisation_id for holders in shared.values() for _case, organisation_id in holders}
    supervisors = _supervisors(organisations)
    wanted: dict[tuple[int, int, str], tuple[int, int]] = {}
    for digest, holders in shared.items():
        for case_id, organisation_id in holders:
            for user_id in supervisors.get(organisation_id, []):
                wanted[(user_id, case_id, digest)] = (organisation_id, len(holders))
    now = timezone.now()
    existing = {
        (alert.recipient_id, alert.case_id, alert.digest): alert
        for alert in MatchAlert.objects.filter(digest__in=list(shared)).select_for_update()
    }
    changed = []
    for key, (_organisation_id, count) in wanted.items():
        alert = existing.get(key)
        if alert is not None and alert.case_count != count:
            alert.case_count, alert.updated_at, alert.read_at = count, now, None
            changed.append(alert)
    MatchAlert.objects.bulk_update(changed, ["case_count", "updated_at", "read_at"])
    MatchAlert.objects.bulk_create(
        [
            MatchAlert(
                recipient_id=user_id,
                organisation_id=organisation_id,
                case_id=case_id,
                digest=digest,
                case_count=count,
                created_at=now,
                updated_at=now,
            )
            for (user_id, case_id, digest), (organisation_id, count) in wanted.items()
            if (user_id, case_id, digest) not in existing
        ]
    )
    for case_id in sorted({case_id for holders in shared.values() for case_id, _org in holders}):
        record(actor=None, action="evidence.repeat_identifier_found", object_type="cases.case", object_id=str(case_id))
    return len(shared)


@transaction.atomic
def mark_alerts_read(*, user: User, alert_ids: Iterable[int] | None = None) -> int:
    alerts = MatchAlert.objects.filter(recipient=user).unread()
    if alert_ids is not None:
        alerts = alerts.filter(pk__in=list(alert_ids))
    return alerts.update(read_at=timezone.now())
