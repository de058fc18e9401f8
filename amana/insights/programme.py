"""Indicators of the community programme: forums, action points, trainings, peace teams.

Read through the community app's own selectors, so each person sees the programme of their own
organisation only. Counts of people (who attended a training) are suppressed like cases; counts of
events and action points name nobody and are shown as they are.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Avg, Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import User
from amana.community import selectors as community
from amana.community.models import (
    STILL_OPEN,
    ActionPoint,
    ActionStatus,
    ActivityKind,
    AgeBand,
    Attendance,
    KnowledgeScore,
    Sex,
)
from amana.insights.tables import Heading, Table

TRAINED = "trained"


def _in(period_first: date, period_last: date) -> Q:
    """Held on a day of the period's months (the last month included to its end)."""
    following = date(period_last.year + period_last.month // 12, period_last.month % 12 + 1, 1)
    return Q(held_on__gte=period_first, held_on__lt=following)


def trained_people(user: User, first: date, last: date) -> Table:
    """People trained, by sex and age band (attendance is counted without names)."""
    trainings = community.activities_for(user).filter(_in(first, last), kind=ActivityKind.TRAINING)
    counts = {
        (row["sex"], row["age_band"]): int(row["n"])
        for row in Attendance.objects.filter(activity__in=trainings)
        .values("sex", "age_band")
        .annotate(n=Sum("count"))
        .order_by()
    }
    return Table(
        key="trained",
        title=str(_("People trained, by sex and age band")),
        group=TRAINED,
        row_heading=Heading("sex", str(_("Sex")), "#group+sex"),
        rows=[Heading(str(value), str(label)) for value, label in Sex.choices],
        columns=[Heading(str(value), str(label), f"+age_{value}") for value, label in AgeBand.choices],
        counts=counts,
    )


def knowledge_gain(user: User, first: date, last: date, threshold: int) -> list[tuple[Promise, str | None]]:
    """Average scores before and after the trainings, as a share of the highest score; hidden when few."""
    trainings = community.activities_for(user).filter(_in(first, last), kind=ActivityKind.TRAINING)
    share = Cast(F("activity__max_score"), FloatField())
    figures = KnowledgeScore.objects.filter(activity__in=trainings).aggregate(
        n=Count("pk"), before=Avg(F("pre_score") * 100.0 / share), after=Avg(F("post_score") * 100.0 / share)
    )
    if figures["n"] < threshold:
        return [(_("Knowledge score before and after training"), None)]
    before, after = round(figures["before"]), round(figures["after"])
    return [
        (_("Average knowledge score before training (percent of the highest score)"), str(before)),
        (_("Average knowledge score after training (percent of the highest score)"), str(after)),
        (_("Knowledge gain (percentage points)"), str(after - before)),
    ]


def programme_counts(user: User, first: date, last: date) -> list[tuple[Promise, str | None]]:
    """Forums, action points and activities of the period; they name nobody."""
    forums = community.forums_for(user).filter(_in(first, last))
    points = ActionPoint.objects.filter(forum__in=forums).aggregate(
        agreed=Count("pk"),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        overdue=Count("pk", filter=Q(status__in=STILL_OPEN, due_on__lt=timezone.localdate())),
    )
    activities = community.activities_for(user).filter(_in(first, last))
    kinds = activities.aggregate(
        trainings=Count("pk", filter=Q(kind=ActivityKind.TRAINING)),
        events=Count("pk", filter=Q(kind=ActivityKind.AWARENESS_EVENT)),
    )
    return [
        (_("Community Security Forums held"), str(forums.count())),
        (_("Action points agreed at them"), str(points["agreed"])),
        (_("Of these, completed"), str(points["done"])),
        (_("Of these, still open past their due date"), str(points["overdue"])),
        (_("Trainings held"), str(kinds["trainings"])),
        (_("Awareness events held"), str(kinds["events"])),
    ]


def activity_choices(user: User) -> list[tuple[str, str]]:
    """Forums and activities to compare before and after, the latest first (dates and titles only)."""
    forums = [
        (f"forum:{forum.pk}", f"{forum.held_on:%Y-%m-%d} · {forum.place}", forum.held_on)
        for forum in community.forums_for(user).order_by("-held_on")[:50]
    ]
    activities = [
        (f"activity:{activity.pk}", f"{activity.held_on:%Y-%m-%d} · {activity.title}", activity.held_on)
        for activity in community.activities_for(user).order_by("-held_on")[:50]
    ]
    return [(key, label) for key, label, _day in sorted(forums + activities, key=lambda item: item[2], reverse=True)]


def activity_month(user: User, choice: str) -> date | None:
    """The month of the chosen forum or activity, if it is one of the person's own."""
    kind, _sep, number = choice.partition(":")
    if not number.isdigit():
        return None
    records = community.forums_for(user) if kind == "forum" else community.activities_for(user)
    held_on = records.filter(pk=int(number)).values_list("held_on", flat=True).first()
    return held_on.replace(day=1) if held_on else None
