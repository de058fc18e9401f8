"""Correcting and removing programme records: always with a reason, kept beside the record and audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from amana.audit.models import AuditEntry
from amana.community import services
from amana.community.models import (
    ActionPoint,
    Activity,
    Attendance,
    Correction,
    Forum,
    MentorshipSession,
    PeaceTeamMember,
    Topic,
)
from amana.community.tests.conftest import institution, make_action_point, make_forum, make_training

REASON = "The date was typed wrong (example)."


def in_arabic(message: str) -> str:
    """Staff pages speak Arabic first: a message is checked as the person reads it."""
    with translation.override("ar"):
        return translation.gettext(message)


MISSING_REASON = in_arabic("Give the reason: every correction keeps why it was made.")


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def last_year() -> date:
    return timezone.localdate() - timedelta(days=365)


def forum_data(forum: Forum, **changes: object) -> dict[str, object]:
    data = {
        "held_on": forum.held_on.isoformat(),
        "place": forum.place,
        "area": forum.area,
        "facilitator": forum.facilitator,
        "institutions": [i.pk for i in forum.institutions.all()],
        "reason": REASON,
    }
    data.update(changes)
    return data


def audited(action: str, target: object) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(target.pk)).exists()  # type: ignore[attr-defined]


@pytest.fixture
def team(personas):
    return services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")


def test_it_corrects_a_forum_keeps_the_reason_and_shows_it(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    client = login(personas.me_officer)
    response = client.post(f"/staff/community/forums/{forum.pk}/correct/", forum_data(forum, held_on="2022-06-06"))
    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.held_on == date(2022, 6, 6)
    correction = Correction.objects.get()
    assert (correction.kind, correction.fields, correction.reason) == ("corrected", ["held_on"], REASON)
    assert correction.corrected_by == personas.me_officer
    assert audited("community.forum.corrected", forum)
    assert REASON in client.get(f"/staff/community/forums/{forum.pk}/").content.decode()


def test_a_correction_without_a_reason_is_refused_with_a_message(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    response = login(personas.me_officer).post(
        f"/staff/community/forums/{forum.pk}/correct/", forum_data(forum, held_on="2022-06-06", reason="  ")
    )
    assert response.status_code == 400
    assert MISSING_REASON in response.content.decode()
    forum.refresh_from_db()
    assert forum.held_on == date(2022, 6, 5)
    assert not Correction.objects.exists() and not audited("community.forum.corrected", forum)


def test_the_service_refuses_a_correction_without_a_reason(personas) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    with translation.override("en"), pytest.raises(services.CorrectionRefused, match="reason"):
        services.correct_record(actor=personas.me_officer, target=forum, changes={"place": "Elsewhere"}, reason="")
    forum.refresh_from_db()
    assert forum.place != "Elsewhere"


def test_a_correction_that_changes_nothing_is_refused(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    response = login(personas.me_officer).post(f"/staff/community/forums/{forum.pk}/correct/", forum_data(forum))
    assert response.status_code == 400
    assert in_arabic("Nothing was changed.") in response.content.decode()
    assert not Correction.objects.exists()


def test_it_corrects_the_institutions_present(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    police = institution("community_police")
    response = login(personas.me_officer).post(
        f"/staff/community/forums/{forum.pk}/correct/", forum_data(forum, institutions=[police.pk])
    )
    assert response.status_code == 302
    assert list(forum.institutions.all()) == [police]
    assert Correction.objects.get().fields == ["institutions"]


def test_it_corrects_an_action_point(personas, login) -> None:
    action_point = make_action_point(personas.me_officer, make_forum(personas.me_officer, date(2022, 6, 5)))
    client = login(personas.me_officer)
    response = client.post(
        f"/staff/community/action-points/{action_point.pk}/correct/",
        {
            "text": action_point.text,
            "owner": institution("national_security").pk,
            "due_on": "2023-05-01",
            "reason": "The owner was agreed otherwise (example).",
        },
    )
    assert response.status_code == 302
    action_point.refresh_from_db()
    assert (action_point.owner.key, action_point.due_on) == ("national_security", date(2023, 5, 1))
    assert Correction.objects.get().fields == ["due_on", "owner"]
    assert audited("community.actionpoint.corrected", action_point)
    page = client.get(f"/staff/community/action-points/{action_point.pk}/").content.decode()
    assert "The owner was agreed otherwise (example)." in page


def activity_data(activity: Activity, **changes: object) -> dict[str, object]:
    data = {
        "kind": activity.kind,
        "title": activity.title,
        "held_on": activity.held_on.isoformat(),
        "place": activity.place,
        "max_score": activity.max_score,
        "reason": REASON,
    }
    data.update(changes)
    return data


def test_it_corrects_a_training_but_not_below_its_recorded_scores(personas, login) -> None:
    training = make_training(personas.me_officer)
    services.set_scores(actor=personas.me_officer, activity=training, pairs=[(4, 9)])
    client = login(personas.me_officer)
    url = f"/staff/community/activities/{training.pk}/correct/"
    refused = client.post(url, activity_data(training, max_score=5))
    assert refused.status_code == 400
    assert in_arabic("Recorded scores are higher than the new highest possible score.") in refused.content.decode()
    assert client.post(url, activity_data(training, title="Reporting training, corrected (example)")).status_code == 302
    training.refresh_from_db()
    assert (training.title, training.max_score) == ("Reporting training, corrected (example)", 10)
    assert audited("community.activity.corrected", training)


def test_changing_recorded_attendance_asks_for_a_reason(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    client = login(personas.me_officer)
    url = f"/staff/community/forums/{forum.pk}/attendance/"
    # The first entry is not a correction.
    assert client.post(url, {"count_female_18_24": "12"}).status_code == 302
    assert not Correction.objects.exists()
    refused = client.post(url, {"count_female_18_24": "21"})
    assert refused.status_code == 400 and MISSING_REASON in refused.content.decode()
    assert Attendance.objects.get().count == 12
    assert client.post(url, {"count_female_18_24": "21", "reason": "Digits swapped (example)."}).status_code == 302
    assert Attendance.objects.get().count == 21
    correction = Correction.objects.get()
    assert (correction.record_type, correction.fields) == ("forum", ["attendance"])
    assert audited("community.forum.corrected", forum)


def test_it_corrects_a_member_and_seals_the_new_name(personas, login, team) -> None:
    member = services.add_member(actor=personas.me_officer, team=team, name="Example Membr (demo)", role="member")
    client = login(personas.me_officer)
    response = client.post(
        f"/staff/community/teams/{team.pk}/members/{member.pk}/correct/",
        {"name": "Example Member (demo)", "role": "coordinator", "reason": "Name misspelt (example)."},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == "coordinator" and b"Example Member" not in bytes(member.name_sealed)
    assert Correction.objects.get().fields == ["name", "role"]
    assert audited("community.peaceteammember.corrected", member)
    # The team reads its members' names with its own key; the M&E officer holds no key (keys by need).
    page = login(personas.cpt_member).get(f"/staff/community/teams/{team.pk}/").content.decode()
    assert "Example Member (demo)" in page and "Example Membr (demo)" not in page


def test_it_corrects_a_mentorship_session(personas, login, team) -> None:
    session = services.record_mentorship(
        actor=personas.me_officer,
        team=team,
        held_on=date(2023, 3, 7),
        mentor="Mentor (demo)",
        topics=[],
        members_present=3,
    )
    response = login(personas.me_officer).post(
        f"/staff/community/teams/{team.pk}/mentorship/{session.pk}/correct/",
        {
            "held_on": "2023-03-07",
            "mentor": "Mentor (demo)",
            "topics": [Topic.objects.first().pk],  # type: ignore[union-attr]
            "members_present": 4,
            "reason": "One member came late (example).",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.members_present == 4
    assert set(Correction.objects.get().fields) == {"members_present", "topics"}
    assert audited("community.mentorshipsession.corrected", session)


def test_a_duplicate_forum_of_this_month_is_deleted(personas, login) -> None:
    duplicate = make_forum(personas.me_officer, this_month())
    client = login(personas.me_officer)
    response = client.post(f"/staff/community/forums/{duplicate.pk}/remove/", {"reason": "Entered twice (example)."})
    assert response.status_code == 302 and response["Location"] == "/staff/community/forums/"
    assert not Forum.objects.filter(pk=duplicate.pk).exists()
    correction = Correction.objects.get()
    assert (correction.kind, correction.record_id, correction.reason) == (
        "deleted",
        duplicate.pk,
        "Entered twice (example).",
    )
    assert audited("community.forum.deleted", duplicate)


def test_a_forum_of_a_released_month_is_hidden_not_erased(personas, login) -> None:
    forum = make_forum(personas.me_officer, last_year(), place="Counted hall (example)")
    client = login(personas.me_officer)
    assert (
        client.post(f"/staff/community/forums/{forum.pk}/remove/", {"reason": "Duplicate (example)."}).status_code
        == 302
    )
    forum.refresh_from_db()
    assert forum.removed_at is not None
    assert Correction.objects.get().kind == "removed" and audited("community.forum.removed", forum)
    assert "Counted hall (example)" not in client.get("/staff/community/forums/").content.decode()
    assert client.get(f"/staff/community/forums/{forum.pk}/").status_code == 404


def test_a_removal_without_a_reason_is_refused(personas, login) -> None:
    forum = make_forum(personas.me_officer, this_month())
    response = login(personas.me_officer).post(f"/staff/community/forums/{forum.pk}/remove/", {"reason": ""})
    assert response.status_code == 400 and MISSING_REASON in response.content.decode()
    assert Forum.objects.filter(pk=forum.pk, removed_at__isnull=True).exists()


def test_a_forum_whose_action_points_were_reviewed_elsewhere_cannot_be_removed(personas, login) -> None:
    first = make_forum(personas.me_officer, date(2022, 6, 5))
    second = make_forum(personas.me_officer, date(2022, 9, 5))
    action_point = make_action_point(personas.me_officer, first)
    services.review_action_point(
        actor=personas.me_officer, action_point=action_point, forum=second, status="done", note="Done."
    )
    response = login(personas.me_officer).post(f"/staff/community/forums/{second.pk}/remove/", {"reason": "Duplicate."})
    assert response.status_code == 400
    refusal = "Action points were reviewed across this forum and others, so it cannot be removed. Correct it instead."
    assert in_arabic(refusal) in response.content.decode()
    assert not Correction.objects.exists()


def test_an_action_point_removed_leaves_the_forum_and_the_lists(personas, login) -> None:
    forum = make_forum(personas.me_officer, last_year())
    action_point = make_action_point(personas.me_officer, forum, text="Agreed by mistake (example)")
    client = login(personas.me_officer)
    url = f"/staff/community/action-points/{action_point.pk}/remove/"
    assert client.post(url, {"reason": "Not agreed at this forum (example)."}).status_code == 302
    assert ActionPoint.objects.get().removed_at is not None
    assert "Agreed by mistake (example)" not in client.get(f"/staff/community/forums/{forum.pk}/").content.decode()
    assert "Agreed by mistake (example)" not in client.get("/staff/community/action-points/").content.decode()
    assert audited("community.actionpoint.removed", action_point)


def test_a_member_added_by_mistake_is_removed_and_the_name_shredded(personas, login, team) -> None:
    member = services.add_member(actor=personas.me_officer, team=team, name="Added by mistake (demo)", role="member")
    locker = member.name_locker
    client = login(personas.me_officer)
    url = f"/staff/community/teams/{team.pk}/members/{member.pk}/remove/"
    assert client.post(url, {"reason": "Not a member (example)."}).status_code == 302
    assert not PeaceTeamMember.objects.filter(pk=member.pk).exists()
    locker.refresh_from_db()
    assert locker.shredded_at is not None
    assert audited("community.peaceteammember.deleted", member)
    assert "Added by mistake (demo)" not in client.get(f"/staff/community/teams/{team.pk}/").content.decode()


def test_a_mentorship_session_of_an_earlier_month_is_hidden(personas, login, team) -> None:
    session = services.record_mentorship(
        actor=personas.me_officer, team=team, held_on=last_year(), mentor="Mentor (demo)", topics=[], members_present=3
    )
    url = f"/staff/community/teams/{team.pk}/mentorship/{session.pk}/remove/"
    assert login(personas.me_officer).post(url, {"reason": "Entered twice (example)."}).status_code == 302
    assert MentorshipSession.objects.get().removed_at is not None
    assert audited("community.mentorshipsession.removed", session)
