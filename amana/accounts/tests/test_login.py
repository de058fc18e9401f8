from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts.models import LoginThrottle
from amana.audit.models import AuditEntry
from conftest import PASSWORD, current_code, enrol_device

STAFF_PAGES = ["/staff/", "/staff/account/", "/staff/audit/", "/staff/admin/"]


def password_only(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post("/staff/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_it_serves_the_arabic_right_to_left_login_page_by_default(client: Client) -> None:
    response = client.get("/staff/login/")
    assert response.status_code == 200
    assert b'<html lang="ar" dir="rtl">' in response.content
    assert "كلمة المرور" in response.content.decode()


def test_a_password_alone_never_reaches_a_staff_page(personas, client: Client) -> None:
    enrol_device(personas.system_admin)
    response = password_only(client, "system.admin")
    assert response["Location"] == reverse("accounts:verify")
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:verify")) or response["Location"].startswith(
            reverse("accounts:login")
        ), url


def test_a_password_alone_without_a_device_reaches_only_enrolment(personas, client: Client) -> None:
    response = password_only(client, "caseworker")
    assert response["Location"] == reverse("accounts:enrol")
    for url in STAFF_PAGES:
        assert client.get(url)["Location"] in {reverse("accounts:enrol"), f"{reverse('accounts:login')}?next={url}"}


def test_it_enrols_an_authenticator_on_first_sign_in(personas, client: Client) -> None:
    password_only(client, "caseworker")
    page = client.get("/staff/login/enrol/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=personas.caseworker, confirmed=False)

    wrong = client.post("/staff/login/enrol/", {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "الرمز غير صحيح" in wrong.content.decode()
    # django-otp makes the device wait a moment after a wrong code; she waits that moment.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=5))

    right = client.post("/staff/login/enrol/", {"code": current_code(device)})
    assert right["Location"] == reverse("core:home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/staff/").status_code == 200
    assert AuditEntry.objects.filter(action="2fa.enrolled", actor_id=personas.caseworker.pk).exists()


def test_it_accepts_a_code_typed_in_arabic_indic_digits(personas, client: Client) -> None:
    device = enrol_device(personas.caseworker)
    password_only(client, "caseworker")
    arabic = current_code(device).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert client.post("/staff/login/code/", {"code": arabic})["Location"] == reverse("core:home")


def test_it_locks_an_account_after_repeated_failures(personas, client: Client, settings) -> None:
    settings.AMANA_LOGIN_MAX_FAILURES = 3
    for _attempt in range(3):
        response = password_only(client, "caseworker", "not the password")
    assert "محاولات فاشلة كثيرة" in response.content.decode()
    # Even the right password is refused while the lock holds.
    locked = password_only(client, "caseworker")
    assert locked.status_code == 400
    assert "محاولات فاشلة كثيرة" in locked.content.decode()
    assert AuditEntry.objects.filter(action="login.locked").exists()
    # When the lock expires the right password works again.
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert password_only(client, "caseworker").status_code == 302


def test_unknown_names_are_locked_like_real_ones(db, client: Client, settings) -> None:
    settings.AMANA_LOGIN_MAX_FAILURES = 2
    for _attempt in range(2):
        response = password_only(client, "nobody.here", "whatever it is")
    assert "محاولات فاشلة كثيرة" in response.content.decode()


def test_wrong_codes_lock_the_account_and_end_the_half_session(personas, client: Client, settings) -> None:
    settings.AMANA_LOGIN_MAX_FAILURES = 2
    device = enrol_device(personas.caseworker)
    password_only(client, "caseworker")
    wrong = "000000" if current_code(device) != "000000" else "111111"
    client.post("/staff/login/code/", {"code": wrong})
    device.throttling_failure_count = 0  # the device's own back-off is tested by django-otp
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post("/staff/login/code/", {"code": wrong})
    assert response["Location"] == reverse("accounts:login")
    assert client.get("/staff/")["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "password": ""}, "أدخل اسم المستخدم"),
        ({"username": "x" * 151, "password": "p"}, "150"),
        ({"username": "caseworker", "password": ""}, "أدخل كلمة المرور"),
        ({"username": "caseworker", "password": "p" * 257}, "256"),
    ],
)
def test_bad_login_input_gets_a_clear_message(personas, client: Client, data: dict[str, str], message: str) -> None:
    response = client.post("/staff/login/", data)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("code", "message"), [("", "أدخل الرمز"), ("12ab56", "ستة أرقام"), ("1" * 21, "ستة أرقام"), ("12345", "ستة أرقام")]
)
def test_bad_codes_get_a_clear_message(personas, client: Client, code: str, message: str) -> None:
    enrol_device(personas.caseworker)
    password_only(client, "caseworker")
    response = client.post("/staff/login/code/", {"code": code})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_code_cannot_be_used_twice(personas, client: Client) -> None:
    device = enrol_device(personas.caseworker)
    password_only(client, "caseworker")
    code = current_code(device)
    assert client.post("/staff/login/code/", {"code": code})["Location"] == reverse("core:home")
    again = Client()
    password_only(again, "caseworker")
    replay = again.post("/staff/login/code/", {"code": code})
    assert replay.status_code == 400
    assert again.get("/staff/")["Location"].startswith(reverse("accounts:verify"))


def test_it_ignores_a_next_address_on_another_site(personas, client: Client) -> None:
    device = enrol_device(personas.caseworker)
    client.post("/staff/login/?next=https://elsewhere.example/", {"username": "caseworker", "password": PASSWORD})
    response = client.post("/staff/login/code/", {"code": current_code(device), "next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("core:home")


def test_it_signs_out_after_the_idle_timeout(personas, login, settings) -> None:
    client = login(personas.caseworker)
    session = client.session
    session["amana_last_seen"] -= settings.AMANA_IDLE_TIMEOUT_SECONDS + 1
    session.save()
    response = client.get("/staff/")
    assert response["Location"] == reverse("accounts:login")
    assert client.get("/staff/")["Location"].startswith(reverse("accounts:login"))


def test_log_out_everywhere_ends_every_session(personas, login) -> None:
    phone = login(personas.caseworker)
    laptop = login(personas.caseworker)
    assert phone.get("/staff/").status_code == 200
    laptop.post("/staff/logout/everywhere/")
    assert phone.get("/staff/")["Location"].startswith(reverse("accounts:login"))
    assert laptop.get("/staff/")["Location"].startswith(reverse("accounts:login"))


def test_changing_the_password_ends_other_sessions(personas, login) -> None:
    phone = login(personas.caseworker)
    laptop = login(personas.caseworker)
    new = "a different long passphrase 42"
    response = laptop.post(
        "/staff/account/", {"current_password": PASSWORD, "new_password": new, "new_password_again": new}
    )
    assert response["Location"] == reverse("accounts:account")
    assert laptop.get("/staff/").status_code == 200
    assert phone.get("/staff/")["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current_password": "wrong", "new_password": "x" * 20, "new_password_again": "x" * 20}, "غير صحيحة"),
        ({"current_password": PASSWORD, "new_password": "short", "new_password_again": "short"}, "12"),
        (
            {"current_password": PASSWORD, "new_password": "a long passphrase 1", "new_password_again": "other"},
            "متطابقتين",
        ),
        ({"current_password": "", "new_password": "", "new_password_again": ""}, "أدخل كلمة المرور الحالية"),
    ],
)
def test_bad_password_changes_get_a_clear_message(personas, login, data: dict[str, str], message: str) -> None:
    client = login(personas.caseworker)
    response = client.post("/staff/account/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    personas.caseworker.refresh_from_db()
    assert personas.caseworker.check_password(PASSWORD)


def test_the_admin_is_only_for_system_admins(personas, login) -> None:
    assert login(personas.system_admin).get("/staff/admin/").status_code == 200
    for name in ["org_admin", "supervisor", "caseworker", "liaison"]:
        response = login(getattr(personas, name)).get("/staff/admin/", follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:login")), name


def test_the_admin_login_form_cannot_bypass_the_second_factor(personas, client: Client) -> None:
    response = client.post("/staff/admin/login/", {"username": "system.admin", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/staff/admin/").status_code == 302


def test_passwords_are_hashed_with_argon2id_at_full_cost_outside_test_suites(settings) -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password

    settings.AMANA_KDF_COST = "moderate"
    encoded = make_password("a long example passphrase")
    assert encoded.startswith("argon2$argon2id$")
    hasher = identify_hasher(encoded)
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
        Argon2PasswordHasher.time_cost,
        Argon2PasswordHasher.memory_cost,
        Argon2PasswordHasher.parallelism,
    )
    assert f"m={Argon2PasswordHasher.memory_cost},t={Argon2PasswordHasher.time_cost}" in encoded
