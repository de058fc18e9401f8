"""Reads for insights: the cases each person may count, and the indicators built from them.

Only plain, non-identifying columns are read (month, channel, platform, district, age band, the
urgency flags, times); nothing sealed is ever opened, and no row leaves this module: only counts.
Only cases whose consent allows anonymous statistics are counted.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role, User
from amana.cases.models import (
    AgeBand,
    Audience,
    Case,
    CaseMessage,
    Channel,
    District,
    Platform,
    Scope,
    Sender,
    urgent,
)
from amana.insights import matches, pathways, programme
from amana.insights.gbvims import IncidentType, incident_type_q
from amana.insights.tables import Heading, Sum, Suppressed, Table, suppress_tables
from amana.insights.timing import times_until_first

CASES = "cases"
MONTHS = "months"
# A longer period makes the exact audit of suppression slow and the charts unreadable.
MAX_MONTHS = 36


def may_see_insights(user: User) -> bool:
    return user.has_role(Role.ME_OFFICER, Role.SUPERVISOR)


def countable_cases(user: User) -> models.QuerySet[Case]:
    """Cases whose survivor agreed to be counted: the whole programme for M&E, one's own NGO for a supervisor."""
    consented = Case.objects.filter(
        pk__in=Case.objects.filter(
            consents__audience=Audience.STATISTICS, consents__scope=Scope.INCIDENT, consents__given=True
        ).values("pk")
    )
    if user.has_role(Role.ME_OFFICER):
        return consented
    if user.has_role(Role.SUPERVISOR):
        return consented.filter(organisation=user.organisation)
    return Case.objects.none()


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (both the first day of a month), and an area."""

    first: date
    last: date
    district: str = ""

    def months(self) -> list[date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months


@dataclass(frozen=True)
class Comparison:
    """Cases in the months before a chosen activity against the months from it on."""

    label: str
    month: date
    window: int


@dataclass(frozen=True)
class Timing:
    label: Promise
    cases: int
    median_days: float | None
    p90_days: float | None


@dataclass
class Indicators:
    period: Period
    threshold: int
    figures: Suppressed
    timings: list[Timing] = field(default_factory=list)
    counts: list[tuple[Promise, str | None]] = field(default_factory=list)


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NOT_URGENT = "not_urgent", _("Not urgent")


class Technology(models.TextChoices):
    FACILITATED = "tfgbv", _("Technology-facilitated")
    NOT_FACILITATED = "not_tfgbv", _("Not technology-facilitated")


def urgent_condition() -> models.Q:
    """Danger now, self-harm, duress or a high risk: what case handling itself calls urgent."""
    return urgent()


@dataclass(frozen=True)
class Breakdown:
    """One monthly table: its key, title, HXL attribute prefix, categories and each one's condition."""

    key: str
    title: Promise
    hxl: str
    choices: type[models.TextChoices]
    conditions: dict[str, models.Q]


def _by_column(column: str, choices: type[models.TextChoices]) -> dict[str, models.Q]:
    return {str(value): models.Q(**{column: value}) for value in choices.values}


def breakdowns() -> list[Breakdown]:
    return [
        Breakdown(
            "channel", _("Cases reported per month, by channel"), "channel", Channel, _by_column("channel", Channel)
        ),
        Breakdown(
            "platform",
            _("Cases reported per month, by platform"),
            "platform",
            Platform,
            _by_column("platform", Platform),
        ),
        Breakdown(
            "district", _("Cases reported per month, by district"), "adm2", District, _by_column("district", District)
        ),
        Breakdown(
            "age_band", _("Cases reported per month, by age band"), "age", AgeBand, _by_column("age_band", AgeBand)
        ),
        Breakdown(
            "urgent",
            _("Urgent cases reported per month"),
            "urgency",
            Urgency,
            {Urgency.URGENT.value: urgent_condition(), Urgency.NOT_URGENT.value: ~urgent_condition()},
        ),
    ]


def _headings(choices: type[models.TextChoices], prefix: str) -> list[Heading]:
    return [Heading(str(value), str(label), f"+{prefix}_{value}".replace("-", "_")) for value, label in choices.choices]


def _month_rows(period: Period) -> list[Heading]:
    return [Heading(month.isoformat(), month.strftime("%Y-%m")) for month in period.months()]


def _incident_types(counts: dict[str, int]) -> Table:
    return Table(
        key="incident_type",
        title=str(_("Cases by GBVIMS incident type, with the technology-facilitated flag")),
        group=CASES,
        row_heading=Heading("incident_type", str(_("Incident type (GBVIMS)")), "#event+type+gbvims"),
        rows=_headings(IncidentType, "gbvims"),
        columns=_headings(Technology, "context"),
        # Every case amana records is digital extortion: all are technology-facilitated.
        counts={(kind, Technology.FACILITATED.value): count for kind, count in counts.items()},
    )


def period_cases(user: User, period: Period) -> models.QuerySet[Case]:
    cases = countable_cases(user).filter(month_reported__gte=period.first, month_reported__lte=period.last)
    if period.district:
        cases = cases.filter(district=period.district)
    return cases


def case_tables(cases: models.QuerySet[Case], period: Period) -> list[Table]:
    """Every case table from one pass over the cases: a count per month and category, filtered.

    One query (a row per month, a column per category) rather than one per table keeps the
    dashboard to a single scan of the period's cases, however many tables it shows.
    """
    tables = breakdowns()
    aggregates = {
        f"{table.key}:{category}": Count("pk", filter=condition)
        for table in tables
        for category, condition in table.conditions.items()
    }
    kinds = {f"gbvims:{kind}": Count("pk", filter=incident_type_q(kind)) for kind in IncidentType.values}
    rows = list(cases.values("month_reported").annotate(**aggregates, **kinds).order_by())
    built = []
    for table in tables:
        counts = {
            (row["month_reported"].isoformat(), category): row[f"{table.key}:{category}"]
            for row in rows
            for category in table.conditions
        }
        built.append(
            Table(
                key=table.key,
                title=str(table.title),
                group=CASES,
                row_heading=Heading("month", str(_("Month")), "#date+reported"),
                rows=_month_rows(period),
                columns=_headings(table.choices, table.hxl),
                counts=counts,
                shared_rows=MONTHS,
            )
        )
    built.append(_incident_types({kind: sum(row[f"gbvims:{kind}"] for row in rows) for kind in IncidentType.values}))
    return built


def comparison_sums(period: Period, comparison: Comparison | None) -> list[Sum]:
    """The months before the activity and the months from it on, clipped to the period shown."""
    if comparison is None:
        return []
    months = {month.isoformat() for month in period.months()}
    before = [add_months(comparison.month, -n).isoformat() for n in range(comparison.window, 0, -1)]
    after = [add_months(comparison.month, n).isoformat() for n in range(comparison.window)]
    return [
        Sum("before", str(_("Cases in the months before")), CASES, MONTHS, tuple(m for m in before if m in months)),
        Sum("after", str(_("Cases in the months from then on")), CASES, MONTHS, tuple(m for m in after if m in months)),
    ]


def _percentile(days: list[float], share: float) -> float:
    """Nearest-rank percentile: a value that really occurred, never interpolated between two cases."""
    ordered = sorted(days)
    rank = max(1, -(-len(ordered) * share // 1))
    return round(ordered[int(rank) - 1], 1)


def timing(label: Promise, durations: list[timedelta], threshold: int) -> Timing:
    """Median and 90th percentile in days, shown only when enough cases stand behind them."""
    days = [duration.total_seconds() / 86400 for duration in durations if duration >= timedelta(0)]
    if len(days) < threshold:
        return Timing(label, len(days), None, None)
    return Timing(label, len(days), round(statistics.median(days), 1), _percentile(days, 0.9))


def first_response_times(cases: models.QuerySet[Case]) -> list[timedelta]:
    """From the report to the first message a caseworker wrote her."""
    return times_until_first(cases, CaseMessage.objects.filter(sender=Sender.STAFF))


def threshold() -> int:
    return int(settings.AMANA_SUPPRESSION_THRESHOLD)


def small(count: int, limit: int) -> int | None:
    return count if count >= limit else None


def indicators(user: User, period: Period, comparison: Comparison | None = None) -> Indicators:
    """Every indicator of the period, suppressed together; see tables.suppress_tables."""
    limit = threshold()
    cases = period_cases(user, period)
    tables = [
        *case_tables(cases, period),
        *pathways.referral_tables(cases),
        programme.trained_people(user, period.first, period.last),
    ]
    figures = suppress_tables(tables, comparison_sums(period, comparison), threshold=limit)
    timings = [
        timing(_("From report to first response"), first_response_times(cases), limit),
        timing(_("From report to the first referral"), pathways.times_to_referral(cases), limit),
    ]
    channel = next(table for table in figures.tables if table.key == "channel")
    received = figures.shown(channel.column_var(Channel.PEACE_TEAM))
    repeat = matches.cases_with_repeat_extortionist(cases)
    counts: list[tuple[Promise, str | None]] = [
        (_("Cases received by Community Peace Teams"), None if received.value is None else str(received.value)),
        (_("Cases whose extortionist is named in another case too"), str(repeat) if repeat >= limit else None),
        *programme.programme_counts(user, period.first, period.last),
        *programme.knowledge_gain(user, period.first, period.last, limit),
    ]
    return Indicators(period=period, threshold=limit, figures=figures, timings=timings, counts=counts)
