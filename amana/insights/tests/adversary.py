"""A reader who combines every published figure: exact linear algebra over fractions, and intervals.

The reader does not know the data; she knows every figure published to her and how the tables are
built. Unknowns are the true counts of "atoms": one table's category, in one month and one district.
A figure she takes as exact gives an equation (the sum of its atoms equals the figure); a figure
marked hidden as a small count gives the bounds 0..threshold-1. Whatever the equations and bounds fix
she has recovered. A figure that is a released value with keyed noise (see protection.py) fixes no
count: noise of unbounded range allows every count, so it gives her no equation and no bound.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

Atom = tuple[str, str, str, str]  # table, month, district, category
Form = frozenset[Atom]


@dataclass
class Reader:
    """Everything one reader learned, and what follows from it."""

    # Reduced row echelon form: pivot atom -> row (atom -> coefficient), with the constant at None.
    pivots: dict[Atom, dict[Atom | None, Fraction]] = field(default_factory=dict)
    upper: dict[Atom, int] = field(default_factory=dict)
    hidden: set[Form] = field(default_factory=set)

    def learn(self, form: Iterable[Atom], value: int) -> None:
        """sum(form) == value, reduced against what she knew already."""
        row: dict[Atom | None, Fraction] = {atom: Fraction(1) for atom in form}
        row[None] = Fraction(-value)
        self._add(row)

    def learn_same(self, first: Iterable[Atom], second: Iterable[Atom]) -> None:
        """Two tables count the same people (the cases of one month and district)."""
        row: dict[Atom | None, Fraction] = {}
        for atom in first:
            row[atom] = row.get(atom, Fraction(0)) + 1
        for atom in second:
            row[atom] = row.get(atom, Fraction(0)) - 1
        self._add({key: value for key, value in row.items() if value})

    def learn_small(self, form: Iterable[Atom], threshold: int) -> None:
        atoms = frozenset(form)
        self.hidden.add(atoms)
        for atom in atoms:
            self.upper[atom] = min(self.upper.get(atom, threshold - 1), threshold - 1)

    def _reduce(self, row: dict[Atom | None, Fraction]) -> dict[Atom | None, Fraction]:
        row = dict(row)
        for atom in [key for key in row if key is not None and key in self.pivots]:
            factor = row.get(atom)
            if not factor:
                continue
            for key, value in self.pivots[atom].items():
                row[key] = row.get(key, Fraction(0)) - factor * value
                if row[key] == 0:
                    del row[key]
        return row

    def _add(self, row: dict[Atom | None, Fraction]) -> None:
        row = self._reduce(row)
        atoms = sorted(key for key in row if key is not None)
        if not atoms:
            if row.get(None, 0) != 0:
                raise Inconsistent
            return
        pivot = atoms[0]
        scale = row[pivot]
        row = {key: value / scale for key, value in row.items()}
        for other in self.pivots.values():
            factor = other.get(pivot)
            if factor:
                for key, value in row.items():
                    other[key] = other.get(key, Fraction(0)) - factor * value
                    if other[key] == 0:
                        del other[key]
        self.pivots[pivot] = row

    def value_of(self, form: Iterable[Atom]) -> Fraction | None:
        """The sum of the atoms, if every solution of the equations gives it the same value."""
        row: dict[Atom | None, Fraction] = {atom: Fraction(1) for atom in form}
        row = self._reduce(row)
        if any(key is not None for key in row):
            return None
        # What is left is the constant the sum equals (every reduced row stands for an expression = 0).
        return row.get(None, Fraction(0))

    def bounds_of(self, form: Iterable[Atom]) -> tuple[int, int | None]:
        """Interval bounds: each atom at least 0, at most its bound from a hidden small figure, and
        each equation of the echelon form narrowing its pivot from the bounds of the others."""
        low: dict[Atom, Fraction] = {}
        high: dict[Atom, Fraction | None] = {atom: Fraction(bound) for atom, bound in self.upper.items()}
        for _round in range(4):
            for pivot, row in self.pivots.items():
                # pivot = -constant - sum(coefficient * other)
                lo, hi = -row.get(None, Fraction(0)), -row.get(None, Fraction(0))
                for atom, coefficient in row.items():
                    if atom is None or atom == pivot:
                        continue
                    a_lo, a_hi = low.get(atom, Fraction(0)), high.get(atom)
                    if coefficient > 0:
                        lo = lo - coefficient * a_hi if a_hi is not None and lo is not None else None
                        hi = hi - coefficient * a_lo if hi is not None else None
                    else:
                        lo = lo - coefficient * a_lo if lo is not None else None
                        hi = hi - coefficient * a_hi if a_hi is not None and hi is not None else None
                if lo is not None and lo > low.get(pivot, Fraction(0)):
                    low[pivot] = lo
                if hi is not None and (high.get(pivot) is None or hi < high[pivot]):  # type: ignore[operator]
                    high[pivot] = hi
        total_low = sum((low.get(atom, Fraction(0)) for atom in form), Fraction(0))
        highs = [high.get(atom) for atom in form]
        total_high = None if any(h is None for h in highs) else sum(highs, Fraction(0))  # type: ignore[arg-type]
        import math

        return math.ceil(total_low), None if total_high is None else math.floor(total_high)


class Inconsistent(Exception):
    """The figures taken as exact contradict each other: they cannot all be true counts."""
