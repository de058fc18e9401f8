"""Reads for insights: released cells only, laid out as the tables pages and exports show.

Nothing here reads a case: every figure is a released, protected value of the person's own
organisation, or a sum of such values in which hidden ones add nothing. The single exception is the
internal count of the current month, for supervisors only, who see those cases in their queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role, User
from amana.cases.models import Case
from amana.insights.models import CellKind, Release, ReleaseCell
from amana.insights.protection import Shown, shown, threshold, total
from amana.insights.services import add_months, last_closed_month
from amana.insights.tables import DECILES, Heading, Score, TableSpec, specs

# A longer period makes the charts unreadable.
MAX_MONTHS = 36
LATE = "late"


def may_see_insights(user: User) -> bool:
    return user.has_role(Role.ME_OFFICER, Role.SUPERVISOR)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


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

    def filters(self) -> str:
        """The filters as the audit log keeps them: period, area."""
        text = f"{self.first:%Y-%m}..{self.last:%Y-%m}"
        return f"{text} {self.district}" if self.district else text


@dataclass(frozen=True)
class Comparison:
    """Cases in the months before a chosen activity against the months from it on."""

    label: str
    month: date
    window: int


@dataclass
class Grid:
    """One table as published: rows, columns, each cell's figure and the totals."""

    spec: TableSpec
    rows: list[Heading]
    row_kinds: dict[str, str]
    cells: dict[tuple[str, str], Shown]
    row_totals: dict[str, Shown]
    column_totals: dict[str, Shown]
    total: Shown

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def title(self) -> Promise:
        return self.spec.title

    @property
    def columns(self) -> list[Heading]:
        return self.spec.columns


@dataclass
class Figures:
    period: Period
    threshold: int
    tables: list[Grid]
    released: list[date]
    not_released: list[date]
    sums: list[tuple[Promise, str, Shown]] = field(default_factory=list)
    averages: list[tuple[Promise, str | None]] = field(default_factory=list)
    internal_count: int | None = None

    def table(self, key: str) -> Grid | None:
        return next((grid for grid in self.tables if grid.key == key), None)


# (month, table, row, column, late) -> (kind, value)
Released = dict[tuple[date, str, str, str, bool], tuple[str, int]]


def releases_version(user: User, period: Period) -> str:
    """Which releases the period reads, in a few characters: how many, the newest id and when the
    last was made. A release never changes once made and a new one changes these, so whatever is
    drawn from a period's releases can be kept under this version."""
    found = Release.objects.filter(
        organisation_id=user.organisation_id or 0, month__gte=period.first, month__lte=period.last
    ).aggregate(count=Count("pk"), newest=Max("pk"), made=Max("made_at"))
    made = found["made"].timestamp() if found["made"] else 0
    return f"{found['count']}.{found['newest'] or 0}.{made}"


def released_cells(user: User, period: Period) -> Released:
    """The released cells of the person's organisation for the period and area: two small queries."""
    months = dict(
        Release.objects.filter(
            organisation_id=user.organisation_id or 0, month__gte=period.first, month__lte=period.last
        ).values_list("pk", "month")
    )
    cells = ReleaseCell.objects.filter(release_id__in=list(months), area=period.district).values_list(
        "release_id", "table", "row", "column", "late", "kind", "value"
    )
    return {
        (months[release], table, row, column, late): (kind, value)
        for release, table, row, column, late, kind, value in cells.iterator(chunk_size=5000)
    }


HIDDEN = Shown(None)


def _shown(entry: tuple[str, int] | None, limit: int | None = None) -> Shown:
    """A released value as published (protection.shown, with the threshold read once by callers)."""
    if entry is None:
        return HIDDEN
    kind, value = entry
    if kind == CellKind.PROTECTED:
        return Shown(value) if value >= (limit or threshold()) else HIDDEN
    return shown(value, exact=kind == CellKind.EXACT, structural=kind == CellKind.STRUCTURAL)


def _monthly(spec: TableSpec, released: Released, months: list[date]) -> Grid:
    """A row per released month and one for reports counted late; the month's total is its own released cell."""
    rows = [Heading(month.isoformat(), month.strftime("%Y-%m")) for month in months]
    late_row = Heading(LATE, _("Reported late (earlier months)"))
    cells: dict[tuple[str, str], Shown] = {}
    row_totals: dict[str, Shown] = {}
    for column in spec.columns:
        for month in months:
            cells[(month.isoformat(), column.key)] = _shown(released.get((month, spec.key, "", column.key, False)))
        cells[(LATE, column.key)] = total(
            _shown(released.get((month, spec.key, "", column.key, True))) for month in months
        )
    for month in months:
        row_totals[month.isoformat()] = _shown(released.get((month, "cases", "", "", False)))
    row_totals[LATE] = total(_shown(released.get((month, "cases", "", "", True))) for month in months)
    all_rows = [*rows, late_row]
    column_totals = {c.key: total(cells[(r.key, c.key)] for r in all_rows) for c in spec.columns}
    kinds = {row.key: "data" for row in rows} | {LATE: LATE}
    return Grid(spec, all_rows, kinds, cells, row_totals, column_totals, total(row_totals.values()))


def _sums(released: Released) -> dict[tuple[str, str, str], Shown]:
    """Every cell added up over the months and late reports, in one pass: hidden values add nothing."""
    parts: dict[tuple[str, str, str], list[Shown]] = {}
    limit = threshold()
    for (_month, table, row, column, _late), entry in released.items():
        parts.setdefault((table, row, column), []).append(_shown(entry, limit))
    return {key: total(figures) for key, figures in parts.items()}


def _grid(spec: TableSpec, sums: dict[tuple[str, str, str], Shown]) -> Grid:
    """Months (and late reports) added up cell by cell; every total adds only the figures shown."""
    rows = spec.rows or [Heading("", spec.title)]
    cells = {
        (row.key, column.key): Shown(0, structural=True)
        if spec.structural(row.key, column.key)
        else sums.get((spec.key, row.key, column.key), Shown(None))
        for row in rows
        for column in spec.columns
    }
    row_totals = {row.key: total(cells[(row.key, c.key)] for c in spec.columns) for row in rows}
    column_totals = {c.key: total(cells[(r.key, c.key)] for r in rows) for c in spec.columns}
    return Grid(spec, rows, {row.key: "data" for row in rows}, cells, row_totals, column_totals, total(cells.values()))


def _knowledge_averages(grid: Grid | None) -> list[tuple[Promise, str | None]]:
    """Average scores from the released tenths: each tenth shown counts at least five people."""
    if grid is None:
        return []
    means = {}
    for row in (Score.BEFORE, Score.AFTER):
        people = sum(grid.cells[(str(row), d.key)].value or 0 for d in DECILES)
        points = sum((grid.cells[(str(row), d.key)].value or 0) * (int(d.key) * 10 + 5) for d in DECILES)
        means[row] = round(points / people) if people >= threshold() else None
    before, after = means[Score.BEFORE], means[Score.AFTER]
    return [
        (_("Average knowledge score before training (percent of the highest score)"), _text(before)),
        (_("Average knowledge score after training (percent of the highest score)"), _text(after)),
        (
            _("Knowledge gain (percentage points)"),
            None if before is None or after is None else str(after - before),
        ),
    ]


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def comparison_sums(figures: Figures, comparison: Comparison | None) -> list[tuple[Promise, str, Shown]]:
    """Cases in the months before the activity and from it on: sums of the released months shown."""
    cases = figures.table("cases")
    if comparison is None or cases is None:
        return []
    shown_months = {row.key for row in cases.rows}
    before = [add_months(comparison.month, -n).isoformat() for n in range(comparison.window, 0, -1)]
    after = [add_months(comparison.month, n).isoformat() for n in range(comparison.window)]
    lines: list[tuple[Promise, str, Shown]] = []
    for label, months in ((_("Cases in the months before"), before), (_("Cases in the months from then on"), after)):
        inside = [month for month in months if month in shown_months]
        lines.append((label, ", ".join(m[:7] for m in inside) or "-", total(cases.row_totals[m] for m in inside)))
    return lines


def internal_count(user: User) -> int | None:
    """Cases of the current month so far, unprotected: only for supervisors, who see these cases."""
    if not user.has_role(Role.SUPERVISOR):
        return None
    this_month = timezone.localdate().replace(day=1)
    return Case.objects.filter(organisation_id=user.organisation_id or 0, month_reported__gte=this_month).count()


def figures(user: User, period: Period, comparison: Comparison | None = None) -> Figures:
    """Every released table of the period and area, from one read of the release cells."""
    released = released_cells(user, period)
    months = sorted({key[0] for key in released})
    closed = last_closed_month()
    not_released = [month for month in period.months() if month not in months and month <= closed]
    sums = _sums(released)
    grids = []
    for spec in specs():
        if period.district and not spec.by_area:
            continue
        grids.append(_monthly(spec, released, months) if spec.monthly else _grid(spec, sums))
    result = Figures(period, threshold(), grids, months, not_released)
    result.sums = comparison_sums(result, comparison)
    result.averages = _knowledge_averages(result.table("knowledge"))
    result.internal_count = internal_count(user)
    return result


def delay_median(grid: Grid) -> str | None:
    """The delay band that holds the middle case, from the bands shown; None when fewer than the threshold."""
    counts = [(row, grid.cells[(row.key, "")].value or 0) for row in grid.rows]
    people = sum(count for _row, count in counts)
    if people < threshold():
        return None
    running = 0
    for row, count in counts:
        running += count
        if running * 2 >= people:
            return str(row.label)
    return None
