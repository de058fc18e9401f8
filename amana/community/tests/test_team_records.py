"""A peace team records its own forums, action points, trainings and attendance; the NGO's M&E officer
sees every team's records, and no one else does."""

from __future__ import annotations

from datetime import date

from amana.accounts import services as accounts
from amana.accounts.models import OrganisationKind, Role
from amana.community import services
from amana.community.models import ActionPoint, Activity, Attendance, Forum
from amana.community.tests.conftest import institution, make_forum


def test_a_peace_team_member_records_a_forum_with_an_action_point_and_attendance(personas, login) -> None:
    services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")
    client = login(personas.cpt_member)
    response = client.post(
        "/staff/community/forums/new/",
        {"held_on": "2023-02-01", "place": "Village school (example)", "facilitator": "Team coordinator (example)"},
    )
    forum = Forum.objects.get()
    assert response.status_code == 302 and forum.organisation == personas.cpt
    response = client.post(
        f"/staff/community/forums/{forum.pk}/action-points/",
        {
            "action-text": "Light the path to the school (example)",
            "action-owner": institution("community_police").pk,
            "action-due_on": "2023-04-01",
        },
    )
    assert response.status_code == 302 and ActionPoint.objects.get().forum == forum
    assert (
        client.post(f"/staff/community/forums/{forum.pk}/attendance/", {"count_female_18_24": "9"}).status_code == 302
    )
    assert Attendance.objects.get(forum=forum).count == 9


def test_a_peace_team_member_records_a_training(personas, login) -> None:
    response = login(personas.cpt_member).post(
        "/staff/community/activities/new/",
        {
            "kind": "training",
            "title": "Safe phones for girls (example)",
            "held_on": "2023-02-10",
            "place": "Hall (example)",
            "max_score": 10,
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get().organisation == personas.cpt


def test_the_ngo_officer_sees_every_supported_team_s_records_and_who_recorded_them(personas, login) -> None:
    services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")
    team_forum = make_forum(personas.cpt_member, date(2023, 2, 1), place="Team's village school (example)")
    make_forum(personas.me_officer, date(2023, 2, 2), place="NGO office (example)")
    officer_list = login(personas.me_officer).get("/staff/community/forums/").content.decode()
    assert "Team&#x27;s village school (example)" in officer_list and "NGO office (example)" in officer_list
    assert personas.cpt.name in officer_list
    assert login(personas.me_officer).get(f"/staff/community/forums/{team_forum.pk}/").status_code == 200


def test_a_team_sees_only_its_own_records(personas, login) -> None:
    services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")
    other_cpt = accounts.create_organisation(actor=None, name="Other Peace Team (example)", kind=OrganisationKind.CPT)
    services.create_team(actor=personas.me_officer, organisation=other_cpt, area="Hammam al-Alil (example)")
    other_member = personas._member("other.cpt", other_cpt, Role.CPT_MEMBER)
    other_forum = make_forum(other_member, date(2023, 2, 1), place="Other team's forum (example)")
    make_forum(personas.me_officer, date(2023, 2, 2), place="NGO office (example)")
    client = login(personas.cpt_member)
    listing = client.get("/staff/community/forums/").content.decode()
    assert "Other team" not in listing and "NGO office (example)" not in listing
    assert client.get(f"/staff/community/forums/{other_forum.pk}/").status_code == 404


def test_an_officer_of_another_ngo_sees_no_team_record(personas, login, other_me_officer) -> None:
    services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")
    forum = make_forum(personas.cpt_member, date(2023, 2, 1), place="Team's village school (example)")
    client = login(other_me_officer)
    assert "village school" not in client.get("/staff/community/forums/").content.decode()
    assert client.get(f"/staff/community/forums/{forum.pk}/").status_code == 404
