"""Revocation cost: taking an organisation's keys to a locker away when she withdraws consent.

A revocation deletes the organisation's grants and re-keys the locker (a new key pair sealed to the
holders that remain); nothing already sealed is re-encrypted. So its cost must not depend on what
the locker holds. Measured side by side in one run, each the median of repeats with its spread:
revoking from an empty locker (the baseline) and from one holding 100 messages and 20 files of
1 MB. Verdicts: the full locker costs at most REKEY_GROWTH_LIMIT times the empty one, and its median
stays under BUDGET_SECONDS (well under a second, as her withdrawal must act at once).
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time

from django.test.utils import override_settings

from amana.accounts import services as accounts
from amana.accounts.models import OrganisationKind
from amana.vault import services as vault
from amana.vault.models import Compartment
from bench import throwaway_database

MESSAGES = 100
FILES = 20
FILE_BYTES = 1024 * 1024
REPEATS = 9
REKEY_GROWTH_LIMIT = 2.0
BUDGET_SECONDS = 0.25


def _locker(organisations: list, *, full: bool):  # type: ignore[no-untyped-def]
    locker = vault.create_locker(compartment=Compartment.EVIDENCE, holders=organisations)
    if full:
        for number in range(MESSAGES):
            vault.seal(locker, f"Message {number} (example).")
        for _ in range(FILES):
            vault.seal_file(locker, io.BytesIO(os.urandom(FILE_BYTES)))
    return locker


def _revocations(ngo, partner, recovery, *, full: bool) -> list[float]:  # type: ignore[no-untyped-def]
    """Grant the locker to the partner, then time taking it away; repeated on fresh lockers."""
    times = []
    for _ in range(REPEATS):
        locker = _locker([ngo], full=full)
        vault.grant(locker=locker, organisation=partner, keyring=recovery, by=None, reason="bench")  # type: ignore[arg-type]
        start = time.perf_counter()
        vault.revoke(locker=locker, organisation=partner, by=None, reason="bench")  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
    return times


def spread(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms (min {min(values) * 1000:.2f}, max {max(values) * 1000:.2f})"


def main() -> bool:
    with throwaway_database():
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            ngo = accounts.create_organisation(actor=None, name="Bench NGO (example)", kind=OrganisationKind.NGO)
            partner = accounts.create_organisation(
                actor=None, name="Bench police (example)", kind=OrganisationKind.POLICE
            )
            recovery = vault.keyring_from_recovery(organisation=ngo, recovery_key=ngo.recovery_key)  # type: ignore[attr-defined]
            empty = _revocations(ngo, partner, recovery, full=False)
            full = _revocations(ngo, partner, recovery, full=True)
        growth = statistics.median(full) / statistics.median(empty)
        print(f"revoke from an empty locker: {spread(empty)}")
        print(f"revoke from a locker of {MESSAGES} messages and {FILES} files of 1 MB: {spread(full)}")
        grows = growth <= REKEY_GROWTH_LIMIT
        fast = statistics.median(full) <= BUDGET_SECONDS
        print(
            f"revocation with a full locker takes {growth:.2f}x the empty one "
            f"({'within' if grows else 'OVER'} {REKEY_GROWTH_LIMIT:.1f}x: nothing sealed is re-encrypted); "
            f"median {'under' if fast else 'OVER'} the {BUDGET_SECONDS * 1000:.0f} ms budget"
        )
        return grows and fast
