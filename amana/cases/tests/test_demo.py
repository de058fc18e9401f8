"""The demo tells the programme's story: made on an empty database, then checked through the pages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts.demo import DemoLogin, create_demo_data
from amana.accounts.management.commands.seed_demo import START_HERE
from amana.cases.models import Case, Channel, Status
from amana.referrals.models import Pathway, Referral
from amana.referrals.models import Status as ReferralStatus
from amana.vault.tests.test_at_rest import database_bytes, media_bytes
from conftest import current_code


def sign_in(logins: list[DemoLogin], username: str) -> Client:
    """A demo login signs in through the real pages with the password and code the demo printed."""
    login = next(login for login in logins if login.username == username)
    client = Client()
    assert client.post("/staff/login/", {"username": username, "password": login.password}).status_code == 302
    device = TOTPDevice.objects.get(user__username=username)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    assert client.post("/staff/login/code/", {"code": current_code(device)}).status_code == 302
    return client


def pages(client: Client, url: str) -> str:
    """Every page of a paginated list, as one text."""
    text, number = "", 1
    while True:
        response = client.get(url, {"page": number})
        text += response.content.decode()
        if f"page={number + 1}" not in response.content.decode():
            return text
        number += 1


@pytest.fixture
def logins(db: Any, settings: Any, tmp_path: Any) -> list[DemoLogin]:
    settings.VAR_DIR = tmp_path
    return create_demo_data()


def test_the_demo_spans_twelve_months_every_channel_and_every_step(logins) -> None:
    assert len(set(Case.objects.values_list("month_reported", flat=True))) == 12
    assert set(Case.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert set(Case.objects.values_list("age_band", flat=True)) >= {"under_15", "15_17", "18_24"}
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert Case.objects.filter(closure_requested=True).exists()
    assert Case.objects.filter(duress_suspected=True).count() == 1
    assert Case.objects.filter(received_by_team__isnull=False).count() >= 9


def test_every_pathway_and_referral_state_shows_on_the_referrals_page(logins) -> None:
    page = pages(sign_in(logins, "demo.caseworker"), "/staff/referrals/")
    with translation.override("ar"):
        for pathway in Pathway:
            assert str(pathway.label) in page, pathway
        for status in (
            ReferralStatus.SENT,
            ReferralStatus.ACCEPTED,
            ReferralStatus.DONE,
            ReferralStatus.DECLINED,
            ReferralStatus.WITHDRAWN,
        ):
            assert str(status.label) in page, status
    # Every pathway stands in every state, including an answered question and a recorded action.
    for pathway in Pathway.values:
        states = set(Referral.objects.filter(pathway=pathway).values_list("status", flat=True))
        assert states >= {"sent", "accepted", "done", "declined", "withdrawn"}, pathway
        assert Referral.objects.filter(pathway=pathway, questions__answered_at__isnull=False).exists(), pathway
        assert Referral.objects.filter(pathway=pathway, actions__isnull=False).exists(), pathway


def test_each_demo_login_finds_work_waiting(logins) -> None:
    caseworker = Case.objects.filter(assigned_to__username="demo.caseworker").exclude(status=Status.CLOSED)
    queue = pages(sign_in(logins, "demo.caseworker"), "/staff/cases/?view=mine")
    assert sum(case.reference in queue for case in caseworker) >= 10

    closing = Case.objects.filter(closure_requested=True)
    supervisor_queue = pages(sign_in(logins, "demo.supervisor"), "/staff/cases/?view=closing")
    assert closing and all(case.reference in supervisor_queue for case in closing)

    waiting = Referral.objects.filter(organisation__name__startswith="Example Community Police", status="sent")
    portal = pages(sign_in(logins, "demo.police"), "/staff/referrals/received/")
    assert waiting and all(referral.reference in portal for referral in waiting)

    team = sign_in(logins, "demo.cpt")
    assert "Village school (example)" in team.get("/staff/community/forums/").content.decode()
    # The NGO asked the team for a visit: the team reads the brief, nothing else of the case.
    visits = team.get("/staff/community/visits/").content.decode()
    assert "women&#x27;s centre on Thursday" in visits


def test_the_dashboard_shows_twelve_months_and_an_export(logins) -> None:
    response = sign_in(logins, "demo.me").get("/staff/insights/")
    assert response.status_code == 200
    page = response.content.decode()
    # The demo's reports span this month and the eleven before; this month is not over, so it is not
    # released: eleven released months (the last row counts reports that came in after their month).
    month_rows = [row for row in response.context["result"].tables[0].rows if row.key != "late"]
    assert len(month_rows) == 11
    # Each month of the year is labelled in the page, under the chart of cases reported per month.
    assert all(row.label in page for row in month_rows)
    assert "<svg" in page and "/staff/insights/export." in page


@pytest.mark.django_db(transaction=True)
def test_no_demo_name_number_or_story_is_readable_at_rest(settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    create_demo_data()
    stored = database_bytes(tmp_path) + media_bytes()
    canaries = ("(example 7)", "A demo story, number", "0770 000 1", "0770 000 0999", "Example Member One (demo)")
    for canary in (*canaries, "on Thursday morning"):
        assert canary.encode() not in stored, canary
    assert "نور".encode() not in stored


def test_the_demo_command_refuses_without_debug(db, settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Case.objects.exists()


def test_the_demo_command_prints_where_each_role_starts(db, settings, tmp_path) -> None:
    settings.DEBUG, settings.VAR_DIR = True, tmp_path
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for username, where in START_HERE:
        assert f"{username}" in printed and where in printed
