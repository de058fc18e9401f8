"""Reading the audit log: who may see which entries, filters, and rows people can read.

The chain keeps one entry per opening of each part of a case; the rows shown here gather a person's
openings of one case during one visit into a single row (with how many openings it holds), so that
"who opened case X?" has a short answer while nothing is lost from the chain.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from amana.accounts.models import Organisation, Role, User
from amana.audit import subjects
from amana.audit.labels import ACTIONS, AREAS, OPENINGS_LABEL, action_label, object_label
from amana.audit.models import AuditEntry

# Actions that only read: one row per person per case per visit.
OPENINGS = frozenset({"case.opened", "vault.opened", "referral.opened_by_partner", "evidence.viewed"})
# Openings by one person of one case less than this apart belong to the same visit.
VISIT_GAP = timedelta(minutes=30)
REFUSED = "access.refused"
CHUNK = 500


def audit_entries_for(user: User) -> QuerySet[AuditEntry]:
    """System admins read the whole log. Supervisors and organisation admins read what their own
    people did and everything anyone (a partner too) did to their organisation's cases."""
    entries = AuditEntry.objects.order_by("-seq")
    if user.has_role(Role.SYSTEM_ADMIN):
        return entries
    if user.organisation_id is None:
        return entries.filter(actor_id=user.pk)
    about_ours = Q(organisation_id=user.organisation_id)
    for source in subjects.sources():
        about_ours |= Q(object_type=source.object_type, object_id__in=source.ids_for_organisation(user.organisation_id))
    return entries.filter(about_ours)


@dataclass(frozen=True)
class Filters:
    case: subjects.Subject | None = None
    person: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def filter_entries(entries: QuerySet[AuditEntry], filters: Filters) -> QuerySet[AuditEntry]:
    if filters.case is not None:
        about = Q()
        for source in subjects.sources():
            about |= Q(object_type=source.object_type, object_id__in=source.ids_for_case(filters.case.case_id))
        entries = entries.filter(about)
    if filters.person:
        people = User.objects.filter(
            Q(username__icontains=filters.person)
            | Q(first_name__icontains=filters.person)
            | Q(last_name__icontains=filters.person)
        ).values("pk")
        entries = entries.filter(Q(actor_id__in=people) | Q(actor_label__icontains=filters.person))
    if filters.action == "openings":
        entries = entries.filter(action__in=OPENINGS)
    elif filters.action.endswith("."):
        entries = entries.filter(action__startswith=filters.action)
    elif filters.action:
        entries = entries.filter(action=filters.action)
    if filters.since:
        entries = entries.filter(at__gte=_day_start(filters.since))
    if filters.until:
        entries = entries.filter(at__lt=_day_start(filters.until + timedelta(days=1)))
    return entries


@dataclass
class Row:
    """One line of the readable log: one entry, or a person's openings of a case in one visit."""

    first: AuditEntry  # the newest entry of the row
    last: AuditEntry  # the oldest
    count: int = 1
    parts: list[str] = field(default_factory=list)
    who: str = ""
    organisation: str = ""
    action: str = ""
    case_reference: str = ""
    object: str = ""
    visit_key: tuple[int | None, int] | None = None

    @property
    def is_visit(self) -> bool:
        return self.count > 1


def _people(entries: Iterable[AuditEntry]) -> dict[int, User]:
    ids = {entry.actor_id for entry in entries if entry.actor_id} | {
        int(entry.object_id) for entry in entries if entry.object_type == "accounts.user" and entry.object_id.isdigit()
    }
    return {user.pk: user for user in User.objects.filter(pk__in=ids).select_related("organisation")}


def _name(user: User | None, fallback: str) -> str:
    if user is None:
        return fallback
    return user.get_full_name() or user.username


def _describe(chunk: list[AuditEntry], viewer: User) -> Iterator[tuple[AuditEntry, subjects.Subject | None, Row]]:
    """Each entry with its case (if any) and a fresh row holding its words."""
    people = _people(chunk)
    found = subjects.describe([(entry.object_type, entry.object_id) for entry in chunk])
    organisations = dict(Organisation.objects.values_list("pk", "name")) if chunk else {}
    for entry in chunk:
        subject = found.get((entry.object_type, entry.object_id))
        actor = people.get(entry.actor_id) if entry.actor_id else None
        if subject is not None:
            what = str(subject.part) if subject.part else ""
        elif entry.object_type == "accounts.user" and entry.object_id.isdigit():
            what = _name(people.get(int(entry.object_id)), entry.object_id)
        elif entry.object_type in ("url", ""):
            what = entry.object_id
        else:
            what = (
                " ".join(filter(None, [object_label(entry.object_type), entry.object_id])) if entry.object_type else ""
            )
        row = Row(
            first=entry,
            last=entry,
            who=_name(actor, entry.actor_label),
            organisation=(
                organisations.get(entry.organisation_id, "")
                if entry.organisation_id and entry.organisation_id != viewer.organisation_id
                else ""
            ),
            action=action_label(entry.action),
            case_reference=subject.reference if subject else "",
            object=what,
            parts=[what] if what else [],
        )
        yield entry, subject, row


def readable_rows(entries: QuerySet[AuditEntry], viewer: User) -> Iterator[Row]:
    """The entries (newest first) as rows, each yielded once it can hold no more openings.

    Steps: read the entries in chunks; an opening joins the row of the same person's openings of
    the same case when it is less than VISIT_GAP older than that row's oldest entry; a row is handed
    out once the entries read are older than its oldest entry by more than VISIT_GAP.
    """
    pending: deque[Row] = deque()  # rows in order, newest first
    visits: dict[tuple[int | None, int], Row] = {}
    last_seq: int | None = None
    while True:
        page = entries if last_seq is None else entries.filter(seq__lt=last_seq)
        chunk = list(page[:CHUNK])
        if not chunk:
            break
        last_seq = chunk[-1].seq
        for entry, subject, row in _describe(chunk, viewer):
            if entry.action in OPENINGS and subject is not None:
                key = (entry.actor_id, subject.case_id)
                visit = visits.get(key)
                if visit is not None and visit.last.at - entry.at <= VISIT_GAP:
                    visit.last = entry
                    visit.count += 1
                    if row.object and row.object not in visit.parts:
                        visit.parts.append(row.object)
                    continue
                visits[key] = row
                row.visit_key = key
                row.action = action_label("case.opened")
            pending.append(row)
            while pending and pending[0].last.at - entry.at > VISIT_GAP:
                done = pending.popleft()
                if done.visit_key is not None and visits.get(done.visit_key) is done:
                    del visits[done.visit_key]
                yield done
    yield from pending


@dataclass(frozen=True)
class RowsPage:
    rows: list[Row]
    older: int | None  # the `before` value of the next page, None on the last


def rows_page(entries: QuerySet[AuditEntry], viewer: User, *, before: int | None, size: int = 50) -> RowsPage:
    """One page of rows, older than `before` (an entry number). A visit cut by the page's end
    continues on the next page."""
    if before is not None:
        entries = entries.filter(seq__lt=before)
    rows: list[Row] = []
    for row in readable_rows(entries, viewer):
        if len(rows) == size:
            return RowsPage(rows, row.first.seq + 1)
        rows.append(row)
    return RowsPage(rows, None)


def case_for_filter(viewer: User, reference: str) -> subjects.Subject | None:
    """The case a reference names, if this person's log may show it."""
    found = subjects.by_reference(reference.strip().upper())
    if found is None:
        return None
    _type, subject = found
    if not viewer.has_role(Role.SYSTEM_ADMIN) and subject.organisation_id != viewer.organisation_id:
        return None
    return subject


def action_choices() -> list[tuple[str, Any]]:
    """Areas first (every action of one area), then each action with its own words."""
    areas = [(f"{code}.", label) for code, label in AREAS.items()]
    return [
        ("openings", OPENINGS_LABEL),
        *areas,
        *sorted(((code, label) for code, label in ACTIONS.items()), key=lambda item: str(item[1])),
    ]
