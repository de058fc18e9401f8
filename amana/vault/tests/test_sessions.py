from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from amana.vault.models import SealedSession
from amana.vault.sessions import SessionStore, stored_id

CANARY = "Canary-Session-Draft-Qx71 (fictional)"


@pytest.fixture
def stored(db) -> SessionStore:
    session = SessionStore()
    session["draft"] = {"narrative": CANARY}
    session.save()
    return session


def test_a_stored_session_holds_neither_its_key_nor_its_data(stored: SessionStore) -> None:
    row = SealedSession.objects.get()
    assert row.session_key == stored_id(stored.session_key)
    assert stored.session_key not in row.session_key
    assert CANARY not in row.session_data
    assert "narrative" not in row.session_data


def test_the_browser_key_opens_it_and_nothing_else_does(stored: SessionStore) -> None:
    assert SessionStore(stored.session_key)["draft"] == {"narrative": CANARY}
    row = SealedSession.objects.get()
    # Presenting the stored id as if it were a cookie opens nothing.
    assert SessionStore(row.session_key).load() == {}
    assert SessionStore("x" * 32).load() == {}


def test_tampered_session_data_is_an_empty_session_not_an_error(stored: SessionStore) -> None:
    row = SealedSession.objects.get()
    row.session_data = row.session_data[:-8] + "AAAAAAA="
    row.save()
    assert SessionStore(stored.session_key).load() == {}


def test_deleting_and_cycling_use_the_hidden_id(stored: SessionStore) -> None:
    old_key = stored.session_key
    stored.cycle_key()
    assert not SessionStore().exists(old_key)
    assert SessionStore().exists(stored.session_key)
    stored.delete()
    assert SealedSession.objects.count() == 0


def test_sign_in_works_through_the_sealed_store(personas, login) -> None:
    client = login(personas.caseworker)
    assert client.get("/staff/").status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert not SealedSession.objects.filter(session_key=cookie).exists()
    assert Client().get("/staff/")["Location"].startswith("/staff/login/")
