"""The true contents of one release: how many people are in each cell, and its cell key. Read once,
by the release service only.

Nothing here is ever shown: the service turns each cell's count and key into a protected value and
keeps only that. Records are counted once: a case, a first reply, a referral or an activity goes into the
first release made after it exists (for a case, after her consent to be counted is given); when its
month was released already, it is counted there as "reported late".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, Min, OuterRef
from django.utils import timezone

from amana.accounts.models import Organisation
from amana.cases.models import Audience, Case, CaseMessage, Consent, Scope, Sender, urgent
from amana.community.models import (
    STILL_OPEN,
    ActionPoint,
    ActionStatus,
    Activity,
    ActivityKind,
    Attendance,
    Forum,
    KnowledgeScore,
)
from amana.evidence.models import PerpetratorIndex
from amana.insights.gbvims import TechnologyContext, incident_type
from amana.insights.models import Counted
from amana.insights.tables import DELAY_STARTS, Delay, Programme, Score
from amana.referrals.models import Referral
from amana.vault import services as vault

# (table, area, row, column, late)
Cell = tuple[str, str, str, str, bool]


@dataclass
class Contents:
    """Each cell's number of people and cell key, kept as records are added; exact counts of events.

    A cell's key is the sum of its records' secret keys (``vault.release_record_key``), each computed
    once per record however many cells hold it; nothing keeps who is in a cell.
    """

    counts: dict[Cell, int] = field(default_factory=lambda: defaultdict(int))
    keys: dict[Cell, int] = field(default_factory=lambda: defaultdict(int))
    exact: dict[Cell, int] = field(default_factory=lambda: defaultdict(int))
    counted: list[tuple[str, int]] = field(default_factory=list)
    _record_keys: dict[tuple[str, int], int] = field(default_factory=dict)

    def record_key(self, kind: str, pk: int) -> int:
        key = self._record_keys.get((kind, pk))
        if key is None:
            key = self._record_keys[(kind, pk)] = vault.release_record_key(kind, pk)
        return key

    def add(self, cells: Iterable[Cell], kind: str, pk: int, weight: int = 1) -> None:
        """One record in each of ``cells``; ``weight`` people (an attendance row counts several)."""
        key = self.record_key(kind, pk)
        counts, keys = self.counts, self.keys
        for cell in cells:
            counts[cell] += weight
            keys[cell] += key

    def count(self, cell: Cell) -> int:
        return self.counts.get(cell, 0)

    def key(self, cell: Cell) -> int:
        return self.keys.get(cell, 0)


def month_start(month: date) -> datetime:
    """Midnight (local time) at the start of the month."""
    return datetime.combine(month.replace(day=1), time(), tzinfo=timezone.get_current_timezone())


def month_end(month: date) -> datetime:
    return month_start(date(month.year + month.month // 12, month.month % 12 + 1, 1))


def _statistics_consent(case: str) -> models.QuerySet[Consent]:
    return Consent.objects.filter(
        case_id=OuterRef(case), audience=Audience.STATISTICS, scope=Scope.INCIDENT, given=True
    )


def consented_cases(organisation: Organisation) -> models.QuerySet[Case]:
    """The organisation's cases whose survivor agreed to be counted: one population for every role."""
    return Case.objects.filter(organisation=organisation).filter(Exists(_statistics_consent("pk")))


def _not_counted(kind: str, field: str = "pk") -> models.Q:
    """Records no release counted yet, as NOT EXISTS: PostgreSQL runs it as an anti-join. A NOT IN
    list is hashed only while it fits in work_mem; past that (hundreds of thousands of counted
    cases) every record was compared with the whole list, and a release took minutes."""
    return ~models.Q(Exists(Counted.objects.filter(kind=kind, object_id=OuterRef(field))))


def _delay(start: datetime, end: datetime) -> str:
    days = max(0, (end - start).days)
    band = max(index for index, first in enumerate(DELAY_STARTS) if days >= first)
    return str(Delay.values[band])


def _case_cells(contents: Contents, organisation: Organisation, month: date) -> None:
    cases = (
        consented_cases(organisation)
        .filter(month_reported__lte=month)
        .filter(_not_counted("case"))
        .annotate(urgent_now=ExpressionWrapper(urgent(), output_field=models.BooleanField()))
        .values_list(
            "pk",
            "month_reported",
            "channel",
            "platform",
            "district",
            "age_band",
            "urgent_now",
            "published",
            "technology_facilitated",
        )
    )
    rows = list(cases)
    repeated = set(
        PerpetratorIndex.objects.filter(
            case_id__in=cases.values("pk"),
            blind_index__in=PerpetratorIndex.objects.values("blind_index")
            .annotate(cases=Count("case", distinct=True))
            .filter(cases__gte=2)
            .values("blind_index"),
        ).values_list("case_id", flat=True)
    )
    for pk, reported, channel, platform, district, age_band, urgent_now, published, technology in rows:
        late = reported < month
        kind = str(incident_type(demands=[], published=published))
        urgency = "urgent" if urgent_now else "not_urgent"
        cells = [("district", "", "", district, late)]
        for area in ("", district):
            cells += [
                ("cases", area, "", "", late),
                ("channel", area, "", channel, late),
                ("platform", area, "", platform, late),
                ("age_band", area, "", age_band, late),
                ("urgent", area, "", urgency, late),
                ("incident_type", area, kind, TechnologyContext(technology), late),
            ]
            if pk in repeated:
                cells.append(("repeat", area, "", "", late))
        contents.add(cells, "case", pk)
        contents.counted.append(("case", pk))


def _first_cells(contents: Contents, organisation: Organisation, month: date, *, table: str, kind: str) -> None:
    """The first reply (or referral) of each counted case, once it has happened, by its delay.

    One grouped pass over the events before the month's end of the cases counted and not yet
    counted for this table: a case's first event is before the end exactly when one of its events
    is, and it is then the first of those. Starting from these events, the work grows with what is
    left to count, never with every case counted before.
    """
    events = CaseMessage.objects.filter(sender=Sender.STAFF) if kind == "reply" else Referral.objects.all()
    rows = (
        events.filter(case__organisation=organisation, created_at__lt=month_end(month))
        .filter(_not_counted(kind, "case_id"))
        .filter(Exists(Counted.objects.filter(kind="case", object_id=OuterRef("case_id"))))
        .filter(Exists(_statistics_consent("case_id")))
        .values("case_id")
        .annotate(first=Min("created_at"), reported=Min("case__created_at"))
        .values_list("case_id", "reported", "first")
        .order_by()
    )
    start = month_start(month)
    for pk, created, first_at in rows:
        contents.add([(table, "", _delay(created, first_at), "", first_at < start)], "case", pk)
        contents.counted.append((kind, pk))


def _referral_cells(contents: Contents, organisation: Organisation, month: date) -> None:
    start = month_start(month)
    referrals = (
        Referral.objects.filter(case__in=consented_cases(organisation).values("pk"), created_at__lt=month_end(month))
        .filter(_not_counted("referral"))
        .values_list("pk", "case_id", "pathway", "status", "organisation__kind", "created_at")
    )
    seen: set[tuple[Cell, int]] = set()
    for pk, case_id, pathway, status, recipient, created in referrals:
        late = created < start
        # Survivors, not referrals: one woman referred twice the same way is one person in the cell.
        for cell in (("pathway", "", pathway, status, late), ("recipient", "", recipient, status, late)):
            if (cell, case_id) not in seen:
                seen.add((cell, case_id))
                contents.add([cell], "case", case_id)
        contents.counted.append(("referral", pk))


def _programme_cells(contents: Contents, organisation: Organisation, month: date) -> None:
    start, end = date(month.year, month.month, 1), month_end(month).date()
    activities = Activity.objects.filter(organisation=organisation, held_on__lt=end).filter(_not_counted("activity"))
    for pk, kind, held_on in activities.values_list("pk", "kind", "held_on"):
        column = Programme.TRAININGS if kind == ActivityKind.TRAINING else Programme.EVENTS
        contents.exact[("programme", "", column, "", held_on < start)] += 1
        contents.counted.append(("activity", pk))
    trainings = [pk for kind, pk in contents.counted if kind == "activity"]
    held = dict(Activity.objects.filter(pk__in=trainings).values_list("pk", "held_on"))
    for pk, activity_id, sex, age_band, count in Attendance.objects.filter(
        activity_id__in=trainings, activity__kind=ActivityKind.TRAINING
    ).values_list("pk", "activity_id", "sex", "age_band", "count"):
        contents.add([("trained", "", sex, age_band, held[activity_id] < start)], "attendance", pk, count)

    for pk, activity_id, pre, post, top in KnowledgeScore.objects.filter(activity_id__in=trainings).values_list(
        "pk", "activity_id", "pre_score", "post_score", "activity__max_score"
    ):
        late = held[activity_id] < start
        cells = [
            ("knowledge", "", str(row), str(min(9, int(10 * score / max(top, 1)))), late)
            for row, score in ((Score.BEFORE, pre), (Score.AFTER, post))
        ]
        contents.add(cells, "score", pk)
    forums = Forum.objects.filter(organisation=organisation, held_on__lt=end).filter(_not_counted("forum"))
    for pk, held_on in forums.values_list("pk", "held_on"):
        late = held_on < start
        contents.exact[("programme", "", Programme.FORUMS, "", late)] += 1
        contents.counted.append(("forum", pk))
    points = ActionPoint.objects.filter(forum__in=forums).aggregate(
        agreed=Count("pk"),
        done=Count("pk", filter=models.Q(status=ActionStatus.DONE)),
        overdue=Count("pk", filter=models.Q(status__in=STILL_OPEN, due_on__lt=end)),
    )
    for column in (Programme.AGREED, Programme.DONE, Programme.OVERDUE):
        contents.exact[("programme", "", column, "", False)] += int(points[str(column)] or 0)


def contents_of(organisation: Organisation, month: date, mark: Callable[[list[tuple[str, int]]], None]) -> Contents:
    """Every cell's members for the release of ``month``; see the module docstring.

    ``mark`` saves the records counted so far, so that first replies and referrals are looked for
    among the cases counted now as well as before.
    """
    contents = Contents()
    _case_cells(contents, organisation, month)
    mark(contents.counted)
    contents.counted = []
    _first_cells(contents, organisation, month, table="response", kind="reply")
    _first_cells(contents, organisation, month, table="first_referral", kind="first_referral")
    _referral_cells(contents, organisation, month)
    _programme_cells(contents, organisation, month)
    mark(contents.counted)
    contents.counted = []
    return contents
