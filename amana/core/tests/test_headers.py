from __future__ import annotations

import pytest
from django.test import Client, override_settings

from amana.core.middleware import content_security_policy


def assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert csp == content_security_policy()
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in response["Permissions-Policy"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/"),
        ("get", "/staff/login/"),
        ("post", "/staff/login/"),
        ("get", "/staff/"),
        ("get", "/staff/admin/"),
        ("get", "/no/such/page/"),
        ("get", "/static/amana/amana.css"),
        ("post", "/i18n/setlang/"),
    ],
)
@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client: Client, method: str, url: str) -> None:
    assert_security_headers(getattr(client, method)(url))


def test_signed_in_pages_carry_them_too(personas, login) -> None:
    client = login(personas.supervisor)
    for url in ["/staff/", "/staff/account/", "/staff/audit/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert_security_headers(response)


@pytest.mark.django_db
def test_a_form_posted_without_its_token_gets_a_translated_403(client: Client) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/staff/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "انتهت صلاحية هذا النموذج" in response.content.decode()
    assert_security_headers(response)


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=True, SESSION_COOKIE_SECURE=True)
def test_production_sends_hsts_and_redirects_to_https(client: Client) -> None:
    assert client.get("/staff/login/")["Location"].startswith("https://")
    response = client.get("/staff/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
