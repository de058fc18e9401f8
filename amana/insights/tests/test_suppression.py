"""No hidden number can be worked out from everything an export publishes.

The reader's view is rebuilt here from the published grids alone (each table's cells, row totals,
column totals and total, the shared months shown in several tables, the before/after sums), and
solved exactly with fractions, independently of the code under test.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amana.insights.suppression import Equation, determined, suppress
from amana.insights.tables import Heading, Sum, Suppressed, Table, suppress_tables

MONTHS = [f"2025-{n:02d}-01" for n in range(1, 7)]
CHANNELS = ["web", "hotline", "in_person", "peace_team"]
DISTRICTS = ["qayyarah", "hammam", "south", "other"]
TYPES = ["psychological", "sexual", "rape"]


def build(cases: list[tuple[int, int, int, int]], around: int) -> list[Table] | tuple[list[Table], list[Sum]]:
    def monthly(key: str, columns: list[str], index: int) -> Table:
        counts: dict[tuple[str, str], int] = {}
        for case in cases:
            cell = (MONTHS[case[0]], columns[case[index]])
            counts[cell] = counts.get(cell, 0) + 1
        return Table(
            key=key,
            title=key,
            group="cases",
            row_heading=Heading("month", "month"),
            rows=[Heading(m, m) for m in MONTHS],
            columns=[Heading(c, c) for c in columns],
            counts=counts,
            shared_rows="months",
        )

    types: dict[tuple[str, str], int] = {}
    for case in cases:
        types[(TYPES[case[3]], "tfgbv")] = types.get((TYPES[case[3]], "tfgbv"), 0) + 1
    one_way = Table(
        "types",
        "types",
        "cases",
        Heading("t", "t"),
        [Heading(t, t) for t in TYPES],
        [Heading("tfgbv", "tfgbv"), Heading("other", "other")],
        types,
    )
    tables = [monthly("channel", CHANNELS, 1), monthly("district", DISTRICTS, 2), one_way]
    sums = [
        Sum("before", "before", "cases", "months", tuple(MONTHS[max(0, around - 2) : around])),
        Sum("after", "after", "cases", "months", tuple(MONTHS[around : around + 2])),
    ]
    return tables, sums


def reader_equations(result: Suppressed) -> tuple[dict[tuple[str, ...], int | None], list[dict[tuple[str, ...], int]]]:
    """Every number as printed (None when hidden), and every sum a reader can check between them."""
    printed: dict[tuple[str, ...], int | None] = {}
    equations: list[dict[tuple[str, ...], int]] = []
    month_columns: dict[str, list[tuple[str, ...]]] = {}
    grand_totals: list[tuple[str, ...]] = []
    for table in result.tables:
        for row in table.rows:
            for column in table.columns:
                printed[(table.key, row.key, column.key)] = result.shown(table.cell_var(row.key, column.key)).value
            printed[(table.key, row.key, "total")] = result.shown(table.row_var(row.key)).value
            equations.append(
                {**{(table.key, row.key, c.key): 1 for c in table.columns}, (table.key, row.key, "total"): -1}
            )
            if table.shared_rows:
                month_columns.setdefault(row.key, []).append((table.key, row.key, "total"))
        for column in table.columns:
            printed[(table.key, "total", column.key)] = result.shown(table.column_var(column.key)).value
            equations.append(
                {**{(table.key, r.key, column.key): 1 for r in table.rows}, (table.key, "total", column.key): -1}
            )
        printed[(table.key, "total", "total")] = result.shown(table.total_var()).value
        equations.append({**{(table.key, r.key, "total"): 1 for r in table.rows}, (table.key, "total", "total"): -1})
        equations.append({**{(table.key, "total", c.key): 1 for c in table.columns}, (table.key, "total", "total"): -1})
        grand_totals.append((table.key, "total", "total"))
    # The same month, or the same grand total, printed in two tables is one number.
    for same in [*month_columns.values(), grand_totals]:
        equations.extend({same[0]: 1, other: -1} for other in same[1:])
    for extra in result.sums:
        printed[("sum", extra.key)] = result.shown(extra.var()).value
        equations.append({**{("channel", month, "total"): 1 for month in extra.rows}, ("sum", extra.key): -1})
    return printed, equations


def recoverable(printed: dict[tuple[str, ...], int | None], equations: list[dict[tuple[str, ...], int]]) -> set:
    """Hidden numbers fixed by the published ones: exact reduced row echelon form over fractions."""
    unknowns = sorted(key for key, value in printed.items() if value is None)
    column = {key: index for index, key in enumerate(unknowns)}
    matrix = [[Fraction(0)] * len(unknowns) for _ in equations]
    for row, equation in zip(matrix, equations, strict=True):
        for key, coefficient in equation.items():
            if key in column:
                row[column[key]] += coefficient
    pivots: list[int] = []
    rank = 0
    for col in range(len(unknowns)):
        found = next((r for r in range(rank, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            continue
        matrix[rank], matrix[found] = matrix[found], matrix[rank]
        pivot = matrix[rank][col]
        matrix[rank] = [value / pivot for value in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append(col)
        rank += 1
    free = [col for col in range(len(unknowns)) if col not in pivots]
    return {unknowns[col] for index, col in enumerate(pivots) if all(matrix[index][other] == 0 for other in free)}


case_sets = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 3), st.integers(0, 2)), min_size=0, max_size=60
)


@settings(max_examples=150, deadline=None)
@given(cases=case_sets, around=st.integers(1, 5), threshold=st.integers(3, 6))
def test_it_lets_no_hidden_number_be_recovered(cases, around, threshold) -> None:
    tables, sums = build(cases, around)
    result = suppress_tables(tables, sums, threshold=threshold)
    printed, equations = reader_equations(result)
    assert recoverable(printed, equations) == set()
    # Every small count really is hidden, and every published number is the true one.
    for table in tables:
        for row in table.rows:
            for column in table.columns:
                value = printed[(table.key, row.key, column.key)]
                true = table.count(row.key, column.key)
                assert value is None if true < threshold else value in (None, true)


@settings(max_examples=150, deadline=None)
@given(cases=case_sets, around=st.integers(1, 5))
def test_it_leaves_no_line_whose_hidden_parts_add_up_to_less_than_the_threshold(cases, around) -> None:
    # Otherwise a reader would know, say, that two hidden cells are both zero.
    tables, sums = build(cases, around)
    result = suppress_tables(tables, sums, threshold=5)
    for table in tables:
        for row in table.rows:
            hidden = [c.key for c in table.columns if result.shown(table.cell_var(row.key, c.key)).hidden]
            if hidden and not result.shown(table.row_var(row.key)).hidden:
                assert len(hidden) >= 2
                assert sum(table.count(row.key, c) for c in hidden) >= 5


def test_it_hides_a_second_cell_when_one_small_count_could_be_subtracted() -> None:
    equations = [Equation.total(["a", "b", "c"], "total")]
    primary, complementary = suppress({"a": 2, "b": 9, "c": 7, "total": 18}, equations, threshold=5)
    assert primary == {"a"}
    assert complementary == {"c"}


def test_it_finds_a_number_fixed_by_a_chain_of_sums() -> None:
    # a + b = 10 (published) and b = c, with c published: a is fixed although hidden.
    equations = [Equation.total(["a", "b"], "t"), Equation(((("b"), 1), ("c", -1)))]
    assert determined({"a": 3, "b": 7, "c": 7, "t": 10}, {"a", "b"}, equations) == {"a", "b"}


def test_it_refuses_tables_that_share_months_but_disagree() -> None:
    first = Table("a", "a", "g", Heading("m", "m"), [Heading("1", "1")], [Heading("x", "x")], {("1", "x"): 3}, "months")
    second = Table(
        "b", "b", "g", Heading("m", "m"), [Heading("1", "1")], [Heading("x", "x")], {("1", "x"): 4}, "months"
    )
    with pytest.raises(ValueError, match="share rows"):
        suppress_tables([first, second], [], threshold=5)
