from __future__ import annotations

import pytest

from amana.accounts import services as accounts
from amana.accounts.models import OrganisationKind, Role
from amana.community import services
from amana.community.models import MemberTraining, MentorshipSession, PeaceTeam, PeaceTeamMember, Topic
from amana.vault import services as vault
from amana.vault.keyring import COOKIE_NAME

NAME = "Zainab Example-Member"


@pytest.fixture
def team(personas) -> PeaceTeam:
    return services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")


@pytest.fixture
def member(personas, team) -> PeaceTeamMember:
    return services.add_member(actor=personas.me_officer, team=team, name=NAME, role="coordinator")


def test_an_officer_creates_a_team_for_a_peace_team_organisation(personas, login) -> None:
    response = login(personas.me_officer).post(
        "/staff/community/teams/new/", {"organisation": personas.cpt.pk, "area": "Qayyarah (example)"}
    )
    team = PeaceTeam.objects.get()
    assert response.status_code == 302
    assert (team.organisation, team.programme) == (personas.cpt, personas.ngo)


def test_only_a_peace_team_organisation_without_a_team_can_become_one(personas, team) -> None:
    for organisation in (personas.police, personas.cpt):
        with pytest.raises(services.TeamNotAllowed):
            services.create_team(actor=personas.me_officer, organisation=organisation, area="x")


def test_a_members_name_is_sealed_and_shown_only_to_those_holding_the_team_or_ngo_key(personas, login, team) -> None:
    response = login(personas.me_officer).post(
        f"/staff/community/teams/{team.pk}/members/", {"name": NAME, "role": "member", "joined_on": "2023-01-10"}
    )
    assert response.status_code == 302
    member = PeaceTeamMember.objects.get()
    # What the database holds reveals nothing.
    assert NAME.encode() not in bytes(member.name_sealed)
    assert vault.holder_organisation_ids(member.name_locker) == {personas.cpt.pk, personas.ngo.pk}
    assert NAME in login(personas.cpt_member).get(f"/staff/community/teams/{team.pk}/").content.decode()
    # The M&E officer who typed it holds no key (keys by need): the page shows it sealed.
    page = login(personas.me_officer).get(f"/staff/community/teams/{team.pk}/").content.decode()
    assert NAME not in page and 'class="sealed"' in page


def test_a_shredded_name_stays_sealed_and_the_page_still_works(personas, login, member) -> None:
    vault.shred(locker=member.name_locker, by=None, reason="member left (test)")
    response = login(personas.me_officer).get(f"/staff/community/teams/{member.team_id}/")
    assert response.status_code == 200
    assert NAME not in response.content.decode()
    assert 'class="sealed"' in response.content.decode()


def test_a_cpt_member_sees_their_own_team_only_and_changes_nothing(personas, login, team, member) -> None:
    other_cpt = accounts.create_organisation(actor=None, name="Other Peace Team (example)", kind=OrganisationKind.CPT)
    other_team = services.create_team(actor=personas.me_officer, organisation=other_cpt, area="Hammam al-Alil")
    services.add_member(actor=personas.me_officer, team=other_team, name="Other Example-Member", role="member")
    client = login(personas.cpt_member)
    listing = client.get("/staff/community/teams/").content.decode()
    assert f"/staff/community/teams/{team.pk}/" in listing
    assert f"/staff/community/teams/{other_team.pk}/" not in listing
    assert client.get(f"/staff/community/teams/{other_team.pk}/").status_code == 404
    page = client.get(f"/staff/community/teams/{team.pk}/").content.decode()
    assert "Other Example-Member" not in page
    assert f"/staff/community/teams/{team.pk}/members/" not in page  # no forms for the team itself
    response = client.post(f"/staff/community/teams/{team.pk}/members/", {"name": "Intruder", "role": "member"})
    assert response.status_code == 403
    assert PeaceTeamMember.objects.count() == 2


def test_another_ngos_officer_cannot_reach_the_team(personas, login, other_me_officer, member) -> None:
    client = login(other_me_officer)
    assert client.get(f"/staff/community/teams/{member.team_id}/").status_code == 404
    response = client.post(f"/staff/community/teams/{member.team_id}/mentorship/", {})
    assert response.status_code == 404


def test_a_member_completes_a_training_and_the_team_has_a_mentorship_session(personas, login, member) -> None:
    client = login(personas.me_officer)
    topic = Topic.objects.get(key="referral_pathways")
    prefix = f"training-{member.pk}"
    url = f"/staff/community/teams/{member.team_id}/members/{member.pk}/trainings/"
    response = client.post(url, {f"{prefix}-topic": topic.pk, f"{prefix}-completed_on": "2023-02-01"})
    assert response.status_code == 302
    assert MemberTraining.objects.get().topic == topic

    leadership = Topic.objects.get(key="leadership")
    url = f"/staff/community/teams/{member.team_id}/mentorship/"
    data = {"held_on": "2023-03-15", "mentor": "Mentor (example)", "topics": [leadership.pk], "members_present": "6"}
    assert client.post(url, data).status_code == 302
    session = MentorshipSession.objects.get()
    assert (list(session.topics.all()), session.members_present) == ([leadership], 6)
    # Notes must not carry case details such as a phone number.
    bad = {**data, "notes": "She called from 0770 123 4567"}
    assert client.post(url, bad).status_code == 400
    assert MentorshipSession.objects.count() == 1


def test_without_unlocked_keys_names_stay_sealed(personas, login, member) -> None:
    client = login(personas.me_officer)
    del client.cookies[COOKIE_NAME]  # the browser half of the unlocked key is gone
    response = client.get(f"/staff/community/teams/{member.team_id}/")
    assert response.status_code == 200
    assert NAME not in response.content.decode()
    assert 'class="sealed"' in response.content.decode()


def test_a_cpt_member_of_a_team_not_yet_recorded_sees_an_empty_list(db, personas, login) -> None:
    assert personas.cpt_member.has_role(Role.CPT_MEMBER)
    response = login(personas.cpt_member).get("/staff/community/teams/")
    assert response.status_code == 200
    assert "/staff/community/teams/new/" not in response.content.decode()
