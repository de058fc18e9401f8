"""Keyrings: the private keys a person holds unlocked while they work.

A staff member's private key is unlocked from their password at sign-in and kept for the session
locked by a random key that lives only in a cookie on their browser: the session store alone (or a
copy of the database) cannot open it, and the cookie alone is useless.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from amana.accounts.models import User
from amana.audit.services import Line
from amana.core.compiled import CompiledRead
from amana.vault import crypto
from amana.vault.errors import Locked, WrongSecret
from amana.vault.models import LockerGrant, MemberKey, PasswordLockedKey, SurvivorKey, UserKey

SESSION_KEY = "amana_vault_wrapped_key"
COOKIE_NAME = "amana_vk"
COOKIE_PATH = "/staff/"
_REQUEST_CACHE = "_amana_keyring"


@dataclass
class Keyring:
    """Unlocked private keys of organisations and survivor keys, for one request."""

    user: User | None = None
    organisation_keys: dict[int, bytes] = field(default_factory=dict)
    survivor_keys: dict[int, bytes] = field(default_factory=dict)
    # Locker private keys already opened in this request, by (locker id, version).
    locker_keys: dict[tuple[int, int], bytes] = field(default_factory=dict)
    opened_lockers: set[int] = field(default_factory=set)
    # Sealed locker keys fetched ahead for a page (fetch_lockers), by (locker id, version), and the
    # lockers whose grants were all fetched: opening one of them then needs no query.
    grants: dict[tuple[int, int], LockerGrant] = field(default_factory=dict)
    grants_fetched: set[int] = field(default_factory=set)
    # While a page opens several parts (recorded_together), the audit lines of its openings.
    audit_lines: list[Line] | None = None

    def holds_organisation(self, organisation_id: int) -> bool:
        return organisation_id in self.organisation_keys


def kdf_cost() -> tuple[int, int]:
    return crypto.KDF_COSTS[settings.AMANA_KDF_COST]


def lock_with_secret(target: PasswordLockedKey, private_key: bytes, secret: str) -> None:
    """Fill a key row's locked private key from a secret, with a fresh salt and the current cost."""
    ops, mem = kdf_cost()
    salt = crypto.random_salt()
    target.salt, target.kdf_ops, target.kdf_mem = salt, ops, mem
    target.locked_private_key = crypto.lock(crypto.derive_key(secret, salt, ops, mem), private_key)


def unlock_with_secret(source: PasswordLockedKey, secret: str) -> bytes:
    key = crypto.derive_key(secret, bytes(source.salt), source.kdf_ops, source.kdf_mem)
    try:
        return crypto.unlock(key, bytes(source.locked_private_key))
    except crypto.CryptoFailure:
        raise WrongSecret from None


# Read on every page that opens something sealed: its SQL is written once.
_MEMBER_KEYS = CompiledRead(
    lambda user_id: MemberKey.objects.filter(user_id=user_id).values_list("organisation_id", "sealed_private_key")
)


def _organisation_keys(user: User, user_private_key: bytes) -> dict[int, bytes]:
    return {
        organisation_id: crypto.unseal(user_private_key, bytes(sealed))
        for organisation_id, sealed in _MEMBER_KEYS.rows(user.pk)
    }


def unlock_at_login(request: HttpRequest, response: HttpResponse, *, user: User, password: str) -> bool:
    """Unlock the user's key with their password and keep it for this session only.

    Steps: derive the key from the password, open the private key, lock it again with a fresh
    random key, store that in the session and give the random key to the browser as a cookie.
    Returns False (and changes nothing) when the user has no key or the password does not open it.
    """
    user_key = UserKey.objects.filter(user=user).first()
    if user_key is None:
        return False
    try:
        private_key = unlock_with_secret(user_key, password)
    except WrongSecret:
        return False
    session_key = crypto.random_key()
    request.session[SESSION_KEY] = base64.b64encode(crypto.lock(session_key, private_key)).decode()
    response.set_cookie(
        COOKIE_NAME,
        base64.urlsafe_b64encode(session_key).decode(),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return True


def forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Lax")


def keyring_for(request: HttpRequest) -> Keyring:
    """The signed-in staff member's keyring; Locked when this session holds no unlocked key."""
    cached: Keyring | None = getattr(request, _REQUEST_CACHE, None)
    if cached is not None:
        return cached
    user: Any = request.user
    wrapped = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(COOKIE_NAME)
    if not user.is_authenticated or not wrapped or not cookie:
        raise Locked
    try:
        private_key = crypto.unlock(base64.urlsafe_b64decode(cookie), base64.b64decode(wrapped))
    except (crypto.CryptoFailure, ValueError):
        raise Locked from None
    keyring = Keyring(user=user, organisation_keys=_organisation_keys(user, private_key))
    setattr(request, _REQUEST_CACHE, keyring)
    return keyring


def survivor_keyring(survivor_key: SurvivorKey, secret: str) -> Keyring:
    """A keyring holding one survivor key, opened with her secret (e.g. her receipt code)."""
    return Keyring(survivor_keys={survivor_key.pk: unlock_with_secret(survivor_key, secret)})


def user_keyring(user: User, password: str) -> Keyring:
    """A keyring opened directly with a password (commands and tests; views use keyring_for)."""
    user_key = UserKey.objects.filter(user=user).first()
    if user_key is None:
        raise Locked
    private_key = unlock_with_secret(user_key, password)
    return Keyring(user=user, organisation_keys=_organisation_keys(user, private_key))


SURVIVOR_SESSION_KEY = "amana_vault_survivor_keys"


def remember_survivor_keyring(session: Any, keyring: Keyring) -> None:
    """Keep a survivor's unlocked key for the rest of her visit, so her code is typed (and the
    slow key derivation paid) once. The session store keeps it encrypted under her cookie."""
    session[SURVIVOR_SESSION_KEY] = {
        str(key_id): base64.b64encode(private_key).decode() for key_id, private_key in keyring.survivor_keys.items()
    }


def recall_survivor_keyring(session: Any) -> Keyring | None:
    stored = session.get(SURVIVOR_SESSION_KEY)
    if not stored:
        return None
    return Keyring(survivor_keys={int(key_id): base64.b64decode(value) for key_id, value in stored.items()})
