"""Random references for records (cases, referrals) that people read out and type."""

from __future__ import annotations

import secrets
from collections.abc import Callable

# Crockford's base32 without I, L, O and U: nothing to misread when a reference is said aloud.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def random_reference(*, prefix: str = "", taken: Callable[[str], bool]) -> str:
    """A reference like K7Q2-93XD (with the prefix in front): nothing about order, time or count can
    be read from it. `taken` says whether a candidate is already used."""
    while True:
        raw = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{prefix}{raw[:4]}-{raw[4:]}"
        if not taken(reference):
            return reference
