"""A peace team holds the case it recorded until, with her consent, it hands it over to an NGO."""

from __future__ import annotations

import re

import pytest

from amana.cases import services
from amana.cases.models import Case, Channel, Handover, Notification, NotificationKind, Sender
from amana.cases.selectors import open_identity, open_incident, open_messages
from amana.vault.services import NoKey

from .conftest import keyring_of, team_case

pytestmark = pytest.mark.django_db


def test_a_peace_team_report_is_held_by_the_team(personas, login) -> None:
    from amana.channel.tests.intake_steps import record_through_steps

    client = login(personas.cpt_member)
    assert record_through_steps(client, channel="peace_team").status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.PEACE_TEAM and case.organisation == personas.cpt
    assert case.received_by_team == personas.cpt and case.is_held_by_team
    # The NGO does not see it yet, and holds no key to it.
    assert case.reference not in login(personas.caseworker).get("/staff/cases/").content.decode()
    with pytest.raises(NoKey):
        open_identity(case, keyring=keyring_of(personas.caseworker))
    page = client.get(f"/staff/cases/team/{case.reference}/").content.decode()
    assert "Noor (example)" in page and "0770 000 0000" in page


def test_the_hand_over_needs_her_consent_and_an_ngo(personas, login) -> None:
    case = team_case(personas)
    client = login(personas.cpt_member)
    url = f"/staff/cases/team/{case.reference}/hand-over/"
    for bad in (
        {"organisation": personas.ngo.pk, "consent_how": "verbal"},  # not confirmed
        {"organisation": personas.police.pk, "consent_how": "verbal", "confirmed": "on"},  # not an NGO
        {"organisation": "x", "consent_how": "verbal", "confirmed": "on"},
        {"organisation": personas.ngo.pk, "consent_how": "telepathy", "confirmed": "on"},
    ):
        assert client.post(url, bad).status_code == 400
    assert Case.objects.get().is_held_by_team and not Handover.objects.exists()


def test_after_the_hand_over_the_ngo_holds_every_locker_and_the_team_sees_only_the_status(personas, login) -> None:
    case = team_case(personas, danger_now="yes")
    services.add_message(case=case, body="Before hand-over (example)", sender=Sender.SURVIVOR)
    client = login(personas.cpt_member)
    response = client.post(
        f"/staff/cases/team/{case.reference}/hand-over/",
        {"organisation": personas.ngo.pk, "consent_how": "verbal", "confirmed": "on"},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.organisation == personas.ngo and case.received_by_team == personas.cpt and case.handed_over_at
    assert Handover.objects.get().consent_how == "verbal"
    kinds = set(Notification.objects.filter(recipient=personas.supervisor).values_list("kind", flat=True))
    assert kinds == {NotificationKind.HANDED_OVER, NotificationKind.URGENT_REPORT}
    # The NGO opens everything, old data included.
    ngo = keyring_of(personas.caseworker)
    assert open_identity(case, keyring=ngo)["name"] == "Noor (example)"
    assert open_messages(case, keyring=ngo)[0].body == "Before hand-over (example)"
    assert case.reference in login(personas.supervisor).get("/staff/cases/").content.decode()
    # The team holds no key any more, for old or new data.
    services.add_message(case=case, body="After hand-over (example)", sender=Sender.STAFF, author=personas.caseworker)
    team = keyring_of(personas.cpt_member)
    for opener in (open_identity, open_incident, open_messages):
        with pytest.raises(NoKey):
            opener(case, keyring=team)
    page = client.get(f"/staff/cases/team/{case.reference}/").content.decode()
    assert "Noor (example)" not in page and "0770" not in page
    listing = client.get("/staff/cases/team/").content.decode()
    assert case.reference in listing and re.search(r"\bNoor\b", listing) is None
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 403
    # A second hand-over is refused.
    client.post(
        f"/staff/cases/team/{case.reference}/hand-over/",
        {"organisation": personas.other_ngo.pk, "consent_how": "verbal", "confirmed": "on"},
    )
    assert Case.objects.get().organisation == personas.ngo


def test_another_team_neither_sees_nor_hands_over_the_case(personas, login) -> None:
    from amana.accounts import services as accounts
    from amana.accounts.models import OrganisationKind, Role
    from amana.vault import services as vault
    from conftest import PASSWORD

    other = accounts.create_organisation(actor=None, name="Other Peace Team (example)", kind=OrganisationKind.CPT)
    member = accounts.create_member(
        actor=None,
        organisation=other,
        username="other.cpt",
        password=PASSWORD,
        roles=[Role.CPT_MEMBER],
        keyring=vault.keyring_from_recovery(organisation=other, recovery_key=other.recovery_key),
    )
    case = team_case(personas)
    client = login(member)
    assert case.reference not in client.get("/staff/cases/team/").content.decode()
    assert client.get(f"/staff/cases/team/{case.reference}/").status_code == 404
    data = {"organisation": personas.ngo.pk, "consent_how": "verbal", "confirmed": "on"}
    assert client.post(f"/staff/cases/team/{case.reference}/hand-over/", data).status_code == 404
    assert Case.objects.get().is_held_by_team
