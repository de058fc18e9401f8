"""Vault costs, measured side by side: sealing and opening compartments, files per MB, unlocking at sign-in.

Each figure is printed with a baseline taken in the same run (copying the same bytes, a plain
hash of them), so the ratios hold on any machine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable

from django.conf import settings

from amana.vault import crypto

ROUNDS = 200
FILE_MB = 100


def timed(action: Callable[[], object], rounds: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        action()
    return (time.perf_counter() - start) / rounds


def compartments() -> None:
    public_key, private_key = crypto.new_key_pair()
    narrative = os.urandom(4096)
    sealed = crypto.encrypt_message(1, 1, public_key, narrative)
    baseline = timed(lambda: hashlib.sha256(narrative).digest(), ROUNDS)
    seal = timed(lambda: crypto.encrypt_message(1, 1, public_key, narrative), ROUNDS)
    opened = timed(lambda: crypto.decrypt_message(sealed, private_key), ROUNDS)
    print(f"seal a 4 KB compartment:  {seal * 1e6:8.2f} µs  ({seal / baseline:6.1f}x a SHA-256 of it)")
    print(f"open a 4 KB compartment:  {opened * 1e6:8.2f} µs  ({opened / baseline:6.1f}x a SHA-256 of it)")


def files() -> None:
    public_key, private_key = crypto.new_key_pair()
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "plain")
        with open(source, "wb") as handle:
            for _ in range(FILE_MB):
                handle.write(os.urandom(1024 * 1024))
        target = os.path.join(folder, "sealed")
        copy = timed(lambda: shutil.copyfile(source, os.path.join(folder, "copy")))

        def seal_file() -> None:
            with open(source, "rb") as plain, open(target, "wb") as sealed:
                crypto.encrypt_stream(1, 1, public_key, plain, sealed)

        def open_file() -> None:
            with open(target, "rb") as sealed:
                for _chunk in crypto.decrypt_stream(sealed, private_key):
                    pass

        seal = timed(seal_file)
        opened = timed(open_file)
    print(f"seal a file: {seal / FILE_MB * 1000:7.2f} ms/MB  ({seal / copy:5.1f}x copying it)")
    print(f"open a file: {opened / FILE_MB * 1000:7.2f} ms/MB  ({opened / copy:5.1f}x copying it)")


def unlock() -> None:
    salt = crypto.random_salt()
    results = {}
    for cost in ("interactive", "moderate"):
        ops, mem = crypto.KDF_COSTS[cost]
        results[cost] = timed(
            lambda ops=ops, mem=mem: crypto.derive_key("a long example passphrase", salt, ops, mem), 3
        )
    configured = settings.AMANA_KDF_COST
    print(f"unlock at sign-in ({configured}): {results.get(configured, 0) * 1000:7.1f} ms")
    print(f"  moderate is {results['moderate'] / results['interactive']:.1f}x interactive")
    box_key = crypto.random_key()
    wrapped = crypto.lock(box_key, os.urandom(32))
    per_request = timed(lambda: crypto.unlock(box_key, wrapped), ROUNDS)
    ratio = results["moderate"] / per_request
    print(f"keyring per request (session unwrap): {per_request * 1e6:.1f} µs, {ratio:,.0f}x cheaper than sign-in")


def main() -> None:
    compartments()
    files()
    unlock()
