"""Receipt codes, the survivor's key, and the keyed hashes of the public channel.

A code is typed by a survivor who has no account. One Argon2id derivation per code (at the vault's
cost level) gives 64 bytes; two keyed BLAKE2b hashes of them, each with its own purpose, give the
lookup value stored to find her report and the key that locks her survivor key. So a submission and
a code check each pay for exactly one derivation, and neither value reveals the other.

The Argon2id salt is a keyed hash of the code under the server's secret key: the same code always
gives the same lookup value (so it can be found without storing the code), and a copy of the
database without the key files cannot even start a guess.

The derivation releases the GIL (libsodium through cffi), so other threads of a worker keep serving
pages while it runs. Derivations run in a few threads of their own (AMANA_KDF_CONCURRENCY, which
bounds memory), scheduled at a lower priority than the threads that serve pages: a page asked for
while reports are sent waits for a core behind other pages only, and the derivations still get
every core the pages leave idle.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import nacl.pwhash.argon2id as argon2id
from django.conf import settings

from amana.vault import crypto
from amana.vault.errors import WrongSecret
from amana.vault.keyring import Keyring, kdf_cost
from amana.vault.models import SurvivorKey

_OUTPUT_BYTES = 64
_KEY_BYTES = 32
# Personalisation strings (at most 16 bytes): one purpose each, so no value can stand for another.
_SALT = b"amana-code-salt"
_LOOKUP = b"amana-code-find"
_SURVIVOR = b"amana-code-key"
_SUBMISSION = b"amana-submission"
_BUCKET = b"amana-guess-bkt"
_PEPPER = b"amana-chan-peppr"


@dataclass(frozen=True)
class CodeSecrets:
    """What one derivation of a code gives: the value to find it by and the key to open with it."""

    lookup: str
    key: bytes


def new_code(digits: int) -> str:
    """A receipt or second code of the given number of decimal digits, from the system's CSPRNG."""
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def new_token() -> str:
    """A random token for one form (the report's submission token)."""
    return secrets.token_urlsafe(24)


@cache
def _pepper() -> bytes:
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=_PEPPER).digest()


def _keyed(data: str, person: bytes, size: int = 32) -> bytes:
    return hashlib.blake2b(data.encode(), key=_pepper(), digest_size=size, person=person).digest()


# How much lower the derivation threads are scheduled (Linux sets a niceness per thread).
DERIVATION_NICENESS = 10


def _lower_priority() -> None:
    if sys.platform == "linux":
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + DERIVATION_NICENESS))


@cache
def _derivations() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=settings.AMANA_KDF_CONCURRENCY, thread_name_prefix="derivation", initializer=_lower_priority
    )


def derive_code_secrets(code: str) -> CodeSecrets:
    """One Argon2id derivation of the code; the lookup value and the key follow from its output.

    Call it outside any database transaction: it takes about a second of CPU and, at the moderate
    level, 256 MiB of memory for that time.
    """
    ops, mem = kdf_cost()
    salt = _keyed(code, _SALT, argon2id.SALTBYTES)
    output = (
        _derivations().submit(argon2id.kdf, _OUTPUT_BYTES, code.encode(), salt, opslimit=ops, memlimit=mem).result()
    )
    lookup = hashlib.blake2b(output, digest_size=32, person=_LOOKUP).hexdigest()
    key = hashlib.blake2b(output, digest_size=_KEY_BYTES, person=_SURVIVOR).digest()
    return CodeSecrets(lookup=lookup, key=key)


def new_survivor_key(code_secrets: CodeSecrets) -> SurvivorKey:
    """A new survivor key pair (not yet saved) whose private key is locked by her code's key.

    The salt column stays empty: the salt is recomputed from the code and the server's key, and
    storing it would let anyone with the database test guesses without Argon2id.
    """
    public_key, private_key = crypto.new_key_pair()
    ops, mem = kdf_cost()
    return SurvivorKey(
        public_key=public_key,
        locked_private_key=crypto.lock(code_secrets.key, private_key),
        salt=b"",
        kdf_ops=ops,
        kdf_mem=mem,
    )


def open_survivor_key(survivor_key: SurvivorKey, code_secrets: CodeSecrets) -> Keyring:
    """Her keyring, opened with the key her code gave; WrongSecret if the key does not fit."""
    try:
        private_key = crypto.unlock(code_secrets.key, bytes(survivor_key.locked_private_key))
    except crypto.CryptoFailure:
        raise WrongSecret from None
    return Keyring(survivor_keys={survivor_key.pk: private_key})


def tries_key(survivor_key: SurvivorKey, code_secrets: CodeSecrets) -> bool:
    """Whether the key fits, doing the same work as opening it (used where nothing may be opened)."""
    try:
        crypto.unlock(code_secrets.key, bytes(survivor_key.locked_private_key))
    except crypto.CryptoFailure:
        return False
    return True


def submission_hash(token: str) -> str:
    """A keyed hash of a report form's one-time token, stored so a second send finds the first."""
    return _keyed(token, _SUBMISSION).hex()


def guess_bucket(window_index: int, client_address: str, hex_digits: int) -> str:
    """A few hex digits of a keyed hash of the client's address, changing with each time window.

    Tens of thousands of addresses share each bucket, so a bucket slows a client down without
    identifying any; the address itself is never stored.
    """
    return _keyed(f"{window_index}:{client_address}", _BUCKET).hex()[:hex_digits]


def same_value(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
