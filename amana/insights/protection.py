"""How a released count is protected, and how a protected value is shown.

Every count of people in a release gets keyed noise: an integer drawn from the two-sided geometric
distribution (the discrete Laplace distribution), P(k) proportional to exp(-|k| / scale), with the
randomness taken from the vault's keyed hash of the cell and the people in it. The value stored and
published is ``max(0, count + noise)``; a stored value below the threshold is shown as "<5" and adds
nothing to any total. Why this holds for any number of releases, periods and filters combined is
argued in docs/statistics-release.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from amana.vault import services as vault


def threshold() -> int:
    return int(settings.AMANA_SUPPRESSION_THRESHOLD)


def geometric_noise(seed: bytes, scale: float) -> int:
    """The difference of two geometric draws: two-sided geometric noise, as the seed decides.

    A geometric draw on 0, 1, 2, ... with P(G >= k) = alpha**k is floor(log(u) / log(alpha)) for u
    uniform in (0, 1); each u comes from 8 bytes of the seed, offset by half a step so never 0.
    """
    alpha = math.exp(-1.0 / scale)
    draws = []
    for start in (0, 8):
        u = (int.from_bytes(seed[start : start + 8], "big") + 0.5) / 2**64
        draws.append(math.floor(math.log(u) / math.log(alpha)))
    return draws[0] - draws[1]


def protected_value(*, label: str, count: int, fingerprint: int, scale: float) -> int:
    """What a release stores and publishes for a count of people: never the count itself."""
    return max(0, count + geometric_noise(vault.release_cell_seed(label, fingerprint), scale))


@dataclass(frozen=True)
class Shown:
    """One published figure: a number, "<5" (hidden), or a structural zero."""

    value: int | None
    structural: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None

    def text(self) -> str:
        return hidden_mark() if self.value is None else str(self.value)


def hidden_mark() -> str:
    return f"<{threshold()}"


def shown(value: int, *, exact: bool = False, structural: bool = False) -> Shown:
    """A released value as published: below the threshold it is hidden, unless it counts no one."""
    if structural:
        return Shown(0, structural=True)
    if exact or value >= threshold():
        return Shown(value)
    return Shown(None)


def total(parts: Iterable[Shown]) -> Shown:
    """A sum of published figures: hidden parts add nothing, so no total can give one back.

    A sum of nothing but hidden parts (and zeros) is hidden too: "0" would say that no one is there.
    """
    parts = list(parts)
    value = sum(part.value or 0 for part in parts)
    if value == 0 and any(part.hidden for part in parts):
        return Shown(None)
    return Shown(value, structural=bool(parts) and all(part.structural for part in parts))
