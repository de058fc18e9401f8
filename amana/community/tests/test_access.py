"""Every screen of the community programme, for every persona: allowed or 403."""

from __future__ import annotations

from datetime import date

import pytest

from amana.community import services
from amana.community.tests.conftest import make_action_point, make_forum, make_training

EVERYONE = [
    "caseworker",
    "supervisor",
    "me_officer",
    "org_admin",
    "system_admin",
    "cpt_member",
    "liaison",
    "provider_staff",
    "outsider",
]


@pytest.fixture
def screens(personas) -> dict[str, list[str]]:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    action_point = make_action_point(personas.me_officer, forum)
    training = make_training(personas.me_officer)
    team = services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")
    member = services.add_member(actor=personas.me_officer, team=team, name="Example Member", role="member")
    session = services.record_mentorship(
        actor=personas.me_officer,
        team=team,
        held_on=date(2023, 3, 7),
        mentor="Mentor (example)",
        topics=[],
        members_present=2,
    )
    base = "/staff/community"
    return {
        # Open to those who record the programme: the NGO's M&E officer and peace-team members.
        "recorders": [
            f"{base}/",
            f"{base}/forums/",
            f"{base}/forums/new/",
            f"{base}/action-points/",
            f"{base}/action-points/export.csv",
            f"{base}/action-points/export.xlsx",
            f"{base}/activities/",
            f"{base}/activities/new/",
            f"{base}/attendance-sheet.csv",
            f"{base}/attendance-sheet.xlsx",
        ],
        # The NGO's own records: a peace team does not find them (404), everyone else is refused.
        "get": [
            f"{base}/forums/{forum.pk}/",
            f"{base}/forums/{forum.pk}/attendance/",
            f"{base}/forums/{forum.pk}/attendance/import/",
            f"{base}/forums/{forum.pk}/correct/",
            f"{base}/forums/{forum.pk}/remove/",
            f"{base}/action-points/{action_point.pk}/",
            f"{base}/action-points/{action_point.pk}/correct/",
            f"{base}/action-points/{action_point.pk}/remove/",
            f"{base}/activities/{training.pk}/",
            f"{base}/activities/{training.pk}/scores/",
            f"{base}/activities/{training.pk}/attendance/",
            f"{base}/activities/{training.pk}/attendance/import/",
            f"{base}/activities/{training.pk}/correct/",
            f"{base}/activities/{training.pk}/remove/",
        ],
        "post": [
            f"{base}/forums/{forum.pk}/concerns/",
            f"{base}/forums/{forum.pk}/action-points/",
            f"{base}/forums/{forum.pk}/reviews/{action_point.pk}/",
            f"{base}/forums/{forum.pk}/correct/",
            f"{base}/forums/{forum.pk}/remove/",
            f"{base}/action-points/{action_point.pk}/correct/",
            f"{base}/activities/{training.pk}/materials/",
            f"{base}/activities/{training.pk}/remove/",
        ],
        # Only the NGO's M&E officer runs catalogues and manages teams.
        "officer": [
            f"{base}/catalogue/",
            f"{base}/teams/new/",
            f"{base}/teams/{team.pk}/members/{member.pk}/correct/",
            f"{base}/teams/{team.pk}/members/{member.pk}/remove/",
            f"{base}/teams/{team.pk}/mentorship/{session.pk}/correct/",
            f"{base}/teams/{team.pk}/mentorship/{session.pk}/remove/",
        ],
        "officer_post": [
            f"{base}/teams/{team.pk}/members/",
            f"{base}/teams/{team.pk}/members/{member.pk}/trainings/",
            f"{base}/teams/{team.pk}/mentorship/",
            f"{base}/teams/{team.pk}/members/{member.pk}/correct/",
            f"{base}/teams/{team.pk}/mentorship/{session.pk}/remove/",
        ],
        "team": [f"{base}/teams/", f"{base}/teams/{team.pk}/"],
    }


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_screen_is_open_to_programme_officers_and_refused_to_others(personas, login, screens, persona) -> None:
    client = login(getattr(personas, persona))
    officer = persona == "me_officer"
    recorder = persona in ("me_officer", "cpt_member")
    for url in screens["recorders"]:
        assert client.get(url).status_code == (200 if recorder else 403), (persona, url)
    for url in screens["get"]:
        assert client.get(url).status_code == (200 if officer else 404 if recorder else 403), (persona, url)
    for url in screens["post"]:
        # An empty form: an officer gets it back with its errors, everyone else a refusal.
        assert client.post(url, {}).status_code == (400 if officer else 404 if recorder else 403), (persona, url)
    for url in screens["officer"]:
        assert client.get(url).status_code == (200 if officer else 403), (persona, url)
    for url in screens["officer_post"]:
        assert client.post(url, {}).status_code == (400 if officer else 403), (persona, url)
    for url in screens["team"]:
        assert client.get(url).status_code == (200 if recorder else 403), (persona, url)


def test_every_screen_requires_sign_in(db, client, screens) -> None:
    for url in screens["recorders"] + screens["get"] + screens["officer"] + screens["team"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/staff/login/"), url


def test_the_menu_shows_the_programme_to_officers_and_to_peace_team_members(personas, login) -> None:
    assert "/staff/community/" in login(personas.me_officer).get("/staff/").content.decode()
    home = login(personas.cpt_member).get("/staff/").content.decode()
    assert "/staff/community/teams/" in home
    assert 'href="/staff/community/"' in home
    caseworker = login(personas.caseworker).get("/staff/").content.decode()
    # A caseworker reaches the peace teams' follow-up visits, and nothing else of the programme.
    assert 'href="/staff/community/"' not in caseworker and "/staff/community/visits/" in caseworker


def test_no_screen_of_the_programme_links_to_a_case(personas, login, screens) -> None:
    client = login(personas.me_officer)
    for url in screens["recorders"] + screens["get"] + screens["officer"] + screens["team"]:
        response = client.get(url)
        if response["Content-Type"].startswith("text/html"):
            content = response.content.decode()
            main = content[content.index("<main") : content.index("</main>")]
            assert "/staff/cases/" not in main, url
