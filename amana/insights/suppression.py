"""Small-number suppression with complementary suppression across linked tables.

Every published number is a variable; the exported tables tie variables together with linear
equations (cells of a row add up to the row total, rows of a table to the grand total, and a margin
shared by several tables is one variable). A count below the threshold is hidden ("primary"), and
other numbers are hidden too ("complementary") until no hidden count can be worked out from what is
published:

1. hide every count below the threshold;
2. in each equation, a lone hidden number, or hidden cells whose known sum is below the threshold,
   make the smallest published number of that equation hidden too (cells before totals);
3. audit the whole system exactly (rational Gaussian elimination): a hidden number is recoverable
   when every solution of the published equations gives it the same value; hide one more number
   next to each recoverable one and repeat.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

Var = Hashable


@dataclass(frozen=True)
class Equation:
    """sum(coefficient * variable) == 0 over the variables of all exported tables."""

    terms: tuple[tuple[Var, int], ...]

    @classmethod
    def total(cls, parts: Iterable[Var], whole: Var) -> Equation:
        """The parts add up to the whole."""
        return cls((*((part, 1) for part in parts), (whole, -1)))

    @property
    def variables(self) -> list[Var]:
        return [var for var, _coefficient in self.terms]


def determined(values: Mapping[Var, int], hidden: set[Var], equations: Sequence[Equation]) -> set[Var]:
    """The hidden variables whose value follows from the published ones: exact, no rounding.

    Steps: keep, of each equation, its hidden terms (the published ones only move the constant);
    reduce those rows to echelon form with fractions; a hidden variable is determined when it is
    a pivot whose reduced row has no other variable left, i.e. every solution fixes it.
    """
    rows: list[dict[Var, Fraction]] = []
    for equation in equations:
        row = {var: Fraction(coefficient) for var, coefficient in equation.terms if var in hidden}
        if row:
            rows.append(row)
    order = {var: index for index, var in enumerate(sorted(hidden, key=repr))}
    pivots: dict[Var, dict[Var, Fraction]] = {}
    for row in rows:
        row = _reduce(row, pivots)
        if not row:
            continue
        pivot = min(row, key=order.__getitem__)
        scale = row[pivot]
        row = {var: value / scale for var, value in row.items()}
        for other in pivots.values():
            if pivot in other:
                factor = other[pivot]
                for var, value in row.items():
                    other[var] = other.get(var, Fraction(0)) - factor * value
                    if other[var] == 0:
                        del other[var]
        pivots[pivot] = row
    return {pivot for pivot, row in pivots.items() if len(row) == 1}


def _reduce(row: dict[Var, Fraction], pivots: Mapping[Var, dict[Var, Fraction]]) -> dict[Var, Fraction]:
    row = dict(row)
    for pivot, pivot_row in pivots.items():
        factor = row.get(pivot)
        if factor:
            for var, value in pivot_row.items():
                row[var] = row.get(var, Fraction(0)) - factor * value
                if row[var] == 0:
                    del row[var]
    return row


def suppress(
    values: Mapping[Var, int], equations: Sequence[Equation], *, threshold: int, totals: frozenset[Var] = frozenset()
) -> tuple[set[Var], set[Var]]:
    """The primary (below threshold) and complementary variables to hide; see the module steps.

    ``totals`` are margins and grand totals: complementary suppression hides cells before them,
    since a hidden total says less to a reader than a hidden cell.
    """
    primary = {var for var, value in values.items() if value < threshold}
    hidden = set(primary)

    def cost(var: Var) -> tuple[int, int, str]:
        return (var in totals, values[var], repr(var))

    def hide_next_to(equation: Equation) -> bool:
        published = [var for var in equation.variables if var not in hidden]
        if not published:
            return False
        hidden.add(min(published, key=cost))
        return True

    while True:
        changed = False
        for equation in equations:
            if _exposed(equation, values, hidden, threshold):
                changed |= hide_next_to(equation)
        if changed:
            continue
        recoverable = determined(values, hidden, equations)
        if not recoverable:
            break
        for var in sorted(recoverable, key=repr):
            around = [eq for eq in equations if var in eq.variables and any(v not in hidden for v in eq.variables)]
            if around:
                changed |= hide_next_to(min(around, key=lambda eq: sum(v in hidden for v in eq.variables)))
        if not changed:
            # Every equation around them is hidden already, yet a chain still fixes them: hide all,
            # a blank table being better than one that points at a woman.
            hidden.update(values)
            break
    return primary, hidden - primary


def _exposed(equation: Equation, values: Mapping[Var, int], hidden: set[Var], threshold: int) -> bool:
    """One hidden number alone in its equation, or hidden parts whose known sum is too small."""
    hidden_terms = [(var, coefficient) for var, coefficient in equation.terms if var in hidden]
    if not hidden_terms:
        return False
    if len(hidden_terms) == 1:
        return True
    if all(coefficient == 1 for _var, coefficient in hidden_terms):
        # The whole is published: a reader knows the hidden parts' sum exactly.
        return sum(values[var] for var, _coefficient in hidden_terms) < threshold
    return False
