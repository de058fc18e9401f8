from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def strict_client(db) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get("/staff/login/")
    return client


def post_login(client: Client, **headers: str) -> int:
    token = client.cookies["csrftoken"].value
    data = {"username": "nobody", "password": "nothing", "csrfmiddlewaretoken": token}
    return client.post("/staff/login/", data, headers=headers).status_code


def test_a_same_origin_form_under_no_referrer_is_accepted(strict_client: Client) -> None:
    # What Chromium sends for a form on our own page under Referrer-Policy: no-referrer.
    assert post_login(strict_client, origin="null", sec_fetch_site="same-origin") == 400


def test_a_null_origin_from_another_site_is_refused(strict_client: Client) -> None:
    assert post_login(strict_client, origin="null", sec_fetch_site="cross-site") == 403
    assert post_login(strict_client, origin="null") == 403


def test_another_origin_is_refused_even_with_the_token(strict_client: Client) -> None:
    assert post_login(strict_client, origin="https://elsewhere.example", sec_fetch_site="same-origin") == 403


def test_https_without_a_referer_needs_a_same_origin_fetch(strict_client: Client, settings) -> None:
    settings.CSRF_COOKIE_SECURE = False
    token = strict_client.cookies["csrftoken"].value
    data = {"username": "nobody", "password": "nothing", "csrfmiddlewaretoken": token}
    assert strict_client.post("/staff/login/", data, secure=True).status_code == 403
    same = strict_client.post("/staff/login/", data, secure=True, headers={"sec-fetch-site": "same-origin"})
    assert same.status_code == 400
