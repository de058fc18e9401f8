"""A session store whose rows are useless without the browser's cookie.

Each row is stored under a keyed hash of the session key and its data is encrypted with a key
derived from the session key itself, which only the browser holds (in a browser-session cookie).
A copy of the database therefore holds no survivor's half-written report, no follow-up keys and no
staff session secrets; and a stored row cannot be tied back to a cookie.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, router, transaction
from django.utils import timezone

from amana.vault import crypto
from amana.vault.models import SealedSession

# A session may ask to be forgotten sooner than SESSION_COOKIE_AGE (survivor visits do): the
# number of idle seconds after which the stored row expires.
IDLE_SECONDS_KEY = "amana_idle_seconds"


def _pepper(purpose: bytes) -> bytes:
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=purpose).digest()


def stored_id(session_key: str) -> str:
    return hashlib.blake2b(session_key.encode(), key=_pepper(b"amana-sess-id"), digest_size=20).hexdigest()


def _data_key(session_key: str) -> bytes:
    return hashlib.blake2b(session_key.encode(), key=_pepper(b"amana-sess-key"), digest_size=32).digest()


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[SealedSession]:
        return SealedSession

    def _get_session_from_db(self) -> SealedSession | None:
        if self.session_key is None:
            return None
        try:
            return SealedSession.objects.get(session_key=stored_id(self.session_key), expire_date__gt=timezone.now())
        except (SealedSession.DoesNotExist, SuspiciousOperation):
            self._session_key = None
            return None

    def load(self) -> dict[str, Any]:
        stored = self._get_session_from_db()
        if stored is None or self.session_key is None:
            return {}
        try:
            encoded = crypto.unlock(_data_key(self.session_key), base64.b64decode(stored.session_data)).decode()
        except (crypto.CryptoFailure, ValueError):
            self._session_key = None
            return {}
        data: dict[str, Any] = self.decode(encoded)
        return data

    def exists(self, session_key: str) -> bool:
        return bool(self.model.objects.filter(session_key=stored_id(session_key)).exists())

    def create_model_instance(self, data: dict[str, Any]) -> SealedSession:
        session_key: str = self._get_or_create_session_key()  # type: ignore[attr-defined]  # Django's, not in the stubs
        sealed = crypto.lock(_data_key(session_key), self.encode(data).encode())
        expire_date = self.get_expiry_date()
        idle_seconds = data.get(IDLE_SECONDS_KEY)
        if isinstance(idle_seconds, int):
            expire_date = min(expire_date, timezone.now() + timedelta(seconds=idle_seconds))
        return SealedSession(
            session_key=stored_id(session_key),
            session_data=base64.b64encode(sealed).decode(),
            expire_date=expire_date,
        )

    def save(self, must_create: bool = False) -> None:
        """Save the session; inside the transaction that appends a page's reads
        (``SessionAndReadsMiddleware``), an existing row is updated in that transaction as it
        stands, without a savepoint of its own: both are kept or neither is."""
        using = router.db_for_write(self.model)
        if must_create or self.session_key is None or not transaction.get_connection(using).in_atomic_block:
            super().save(must_create=must_create)
            return
        stored = self.create_model_instance(self._get_session())  # type: ignore[attr-defined]  # Django's, not in the stubs
        updated = self.model.objects.using(using).filter(session_key=stored.session_key)
        try:
            count = updated.update(session_data=stored.session_data, expire_date=stored.expire_date)
        except DatabaseError as error:
            raise UpdateError from error  # as Django's own save: the request is answered as interrupted
        if not count:
            raise UpdateError  # the row was deleted meanwhile (signed out elsewhere): as Django's own save

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        using = router.db_for_write(self.model)
        self.model.objects.using(using).filter(session_key=stored_id(session_key)).delete()
