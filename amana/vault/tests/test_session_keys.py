from __future__ import annotations

from django.test import RequestFactory

from amana.vault import services as vault
from amana.vault.keyring import COOKIE_NAME, SESSION_KEY


def request_with(client, user, cookie: str | None):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/staff/")
    request.session = client.session
    request.user = user
    if cookie is not None:
        request.COOKIES[COOKIE_NAME] = cookie
    return request


def test_sign_in_unlocks_the_keyring_for_this_session(personas, login, case_lockers) -> None:
    client = login(personas.caseworker)
    sealed = vault.seal(case_lockers["identity"], "name")
    keyring = vault.keyring_for(request_with(client, personas.caseworker, client.cookies[COOKIE_NAME].value))
    assert vault.open_text(case_lockers["identity"], sealed, keyring=keyring) == "name"


def test_the_session_store_alone_cannot_open_the_key(personas, login) -> None:
    client = login(personas.caseworker)
    assert SESSION_KEY in client.session
    for cookie in [None, "", "bm90IGEga2V5", login(personas.caseworker).cookies[COOKIE_NAME].value]:
        try:
            vault.keyring_for(request_with(client, personas.caseworker, cookie))
        except vault.Locked:
            continue
        raise AssertionError(f"a keyring opened with cookie {cookie!r}")


def test_the_key_cookie_lives_only_for_the_browser_session(personas, login) -> None:
    morsel = login(personas.caseworker).cookies[COOKIE_NAME]
    assert morsel["httponly"]
    assert morsel["max-age"] == "" and morsel["expires"] == ""
    assert morsel["path"] == "/staff/"


def test_signing_out_forgets_the_key(personas, login) -> None:
    client = login(personas.caseworker)
    client.post("/staff/logout/")
    assert client.cookies[COOKIE_NAME].value == ""
    assert SESSION_KEY not in client.session
