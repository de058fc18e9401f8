"""Exported tables: counts laid out in rows and columns, tied together and suppressed as one.

All tables of one group count the same cases (or the same people), share one grand total and may
share a row margin (cases per month is the same column in every monthly table). Sums of several
row totals (the months before and after an activity) belong to the group as well, so that no
difference between them can reveal a hidden month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from amana.insights.suppression import Equation, Var, suppress


@dataclass(frozen=True)
class Heading:
    key: str
    label: str
    hxl: str = ""


@dataclass
class Table:
    key: str
    title: str
    group: str
    row_heading: Heading
    rows: list[Heading]
    columns: list[Heading]
    counts: dict[tuple[str, str], int]
    # Tables with the same group and shared_rows name publish one and the same row-total column.
    shared_rows: str = ""

    def count(self, row: str, column: str) -> int:
        return self.counts.get((row, column), 0)

    def row_total(self, row: str) -> int:
        return sum(self.count(row, column.key) for column in self.columns)

    def column_total(self, column: str) -> int:
        return sum(self.count(row.key, column) for row in self.rows)

    @property
    def total(self) -> int:
        return sum(self.counts.get((row.key, column.key), 0) for row in self.rows for column in self.columns)

    # The variables of the whole export: a cell, a row total (maybe shared), a column total, the total.
    def cell_var(self, row: str, column: str) -> Var:
        return ("cell", self.key, row, column)

    def row_var(self, row: str) -> Var:
        return ("row", self.group, self.shared_rows, row) if self.shared_rows else ("row", self.key, row)

    def column_var(self, column: str) -> Var:
        return ("column", self.key, column)

    def total_var(self) -> Var:
        return ("total", self.group)


@dataclass(frozen=True)
class Sum:
    """A published sum of some row totals of a group (e.g. cases in the three months before a forum)."""

    key: str
    label: str
    group: str
    shared_rows: str
    rows: tuple[str, ...]

    def var(self) -> Var:
        return ("sum", self.group, self.key)

    def part_vars(self) -> list[Var]:
        return [("row", self.group, self.shared_rows, row) for row in self.rows]


@dataclass(frozen=True)
class Shown:
    """One published number, or why it is hidden."""

    value: int | None
    primary: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass
class Suppressed:
    """The outcome: every number of every table and sum, some of them hidden."""

    threshold: int
    tables: list[Table]
    sums: list[Sum]
    values: dict[Var, int]
    primary: set[Var] = field(default_factory=set)
    complementary: set[Var] = field(default_factory=set)

    def shown(self, var: Var) -> Shown:
        if var in self.primary:
            return Shown(None, primary=True)
        if var in self.complementary:
            return Shown(None)
        return Shown(self.values[var])

    @property
    def hidden(self) -> set[Var]:
        return self.primary | self.complementary


def variables_and_equations(tables: Sequence[Table], sums: Sequence[Sum]) -> tuple[dict[Var, int], list[Equation]]:
    """Every published number of the export and every linear tie a reader could use between them."""
    values: dict[Var, int] = {}
    equations: list[Equation] = []
    seen: set[Equation] = set()

    def add(equation: Equation) -> None:
        if equation not in seen:
            seen.add(equation)
            equations.append(equation)

    for table in tables:
        for row in table.rows:
            for column in table.columns:
                values[table.cell_var(row.key, column.key)] = table.count(row.key, column.key)
            values[table.row_var(row.key)] = table.row_total(row.key)
            add(Equation.total((table.cell_var(row.key, c.key) for c in table.columns), table.row_var(row.key)))
        for column in table.columns:
            values[table.column_var(column.key)] = table.column_total(column.key)
            add(Equation.total((table.cell_var(r.key, column.key) for r in table.rows), table.column_var(column.key)))
        values[table.total_var()] = table.total
        add(Equation.total((table.row_var(r.key) for r in table.rows), table.total_var()))
        add(Equation.total((table.column_var(c.key) for c in table.columns), table.total_var()))
    for extra in sums:
        parts = extra.part_vars()
        values[extra.var()] = sum(values[part] for part in parts)
        add(Equation.total(parts, extra.var()))
    return values, equations


def totals_of(values: dict[Var, int]) -> frozenset[Var]:
    return frozenset(var for var in values if isinstance(var, tuple) and var[0] != "cell")


def suppress_tables(tables: Sequence[Table], sums: Sequence[Sum], *, threshold: int) -> Suppressed:
    """Hide small counts and whatever would reveal them, across all the tables and sums at once."""
    for table in tables:
        for other in tables:
            shared = table.group == other.group and table.shared_rows and table.shared_rows == other.shared_rows
            if shared and any(table.row_total(row.key) != other.row_total(row.key) for row in table.rows):
                raise ValueError(f"{table.key} and {other.key} share rows but count them differently.")
            if table.group == other.group and table.total != other.total:
                raise ValueError(
                    f"{table.key} and {other.key} share a total but count {table.total} and {other.total}."
                )
    values, equations = variables_and_equations(tables, sums)
    primary, complementary = suppress(values, equations, threshold=threshold, totals=totals_of(values))
    return Suppressed(threshold, list(tables), list(sums), values, primary, complementary)
