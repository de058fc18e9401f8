from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from amana.audit.models import AuditEntry
from amana.community import services
from amana.community.models import ActionPoint, ActionPointReview, ActionStatus, Attendance, Concern, Forum
from amana.community.tests.conftest import institution, make_action_point, make_forum


def test_it_records_a_forum_with_institutions_and_topics(personas, login) -> None:
    client = login(personas.me_officer)
    police, security = institution("community_police"), institution("national_security")
    response = client.post(
        "/staff/community/forums/new/",
        {
            "held_on": "2022-06-05",
            "place": "Qayyarah women's centre (example)",
            "area": "Qayyarah (example)",
            "facilitator": "Facilitator (example)",
            "institutions": [police.pk, security.pk],
        },
    )
    forum = Forum.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/community/forums/{forum.pk}/"
    assert forum.organisation == personas.ngo
    assert set(forum.institutions.all()) == {police, security}
    page = client.get(response["Location"]).content.decode()
    assert "Qayyarah women&#x27;s centre (example)" in page
    assert AuditEntry.objects.filter(action="community.forum.created", object_id=str(forum.pk)).exists()


def test_it_refuses_an_incomplete_forum_with_a_message(personas, login) -> None:
    response = login(personas.me_officer).post("/staff/community/forums/new/", {"held_on": "not a date"})
    assert response.status_code == 400
    assert Forum.objects.count() == 0
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_concern_with_a_phone_number_is_refused_and_nothing_is_lost(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    client = login(personas.me_officer)
    client.post(f"/staff/community/forums/{forum.pk}/concerns/", {"concern-text": "We do not know whom to call."})
    # Arabic-Indic digits are a phone number too.
    response = client.post(
        f"/staff/community/forums/{forum.pk}/concerns/", {"concern-text": "اتصلوا بي على ٠٧٧٠١٢٣٤٥٦٧"}
    )
    assert response.status_code == 400
    assert list(Concern.objects.values_list("text", flat=True)) == ["We do not know whom to call."]
    assert "We do not know whom to call." in response.content.decode()


def test_a_too_long_concern_is_refused(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    response = login(personas.me_officer).post(
        f"/staff/community/forums/{forum.pk}/concerns/", {"concern-text": "x" * 2001}
    )
    assert response.status_code == 400
    assert not Concern.objects.exists()


def test_it_adds_an_action_point_with_owner_and_due_date(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    response = login(personas.me_officer).post(
        f"/staff/community/forums/{forum.pk}/action-points/",
        {
            "action-text": "Hold an open day at the police station (example)",
            "action-owner": institution("community_police").pk,
            "action-due_on": "2022-09-01",
        },
    )
    assert response.status_code == 302
    action_point = ActionPoint.objects.get()
    assert (action_point.forum, action_point.status, action_point.due_on) == (forum, "open", date(2022, 9, 1))


def test_a_later_forum_reviews_and_closes_an_action_point_keeping_its_history(personas, login) -> None:
    first = make_forum(personas.me_officer, date(2022, 6, 5))
    second = make_forum(personas.me_officer, date(2022, 9, 10))
    third = make_forum(personas.me_officer, date(2023, 3, 7))
    action_point = make_action_point(personas.me_officer, first)
    client = login(personas.me_officer)
    prefix = f"review-{action_point.pk}"
    # It comes up for review at the next forum, not at the one where it was agreed.
    assert prefix in client.get(f"/staff/community/forums/{second.pk}/").content.decode()
    assert prefix not in client.get(f"/staff/community/forums/{first.pk}/").content.decode()

    url = f"/staff/community/forums/{second.pk}/reviews/{action_point.pk}/"
    response = client.post(url, {f"{prefix}-status": "in_progress", f"{prefix}-note": "Two schools visited."})
    assert response.status_code == 302
    url = f"/staff/community/forums/{third.pk}/reviews/{action_point.pk}/"
    client.post(url, {f"{prefix}-status": "done", f"{prefix}-note": "All schools have the cards."})

    action_point.refresh_from_db()
    assert action_point.status == ActionStatus.DONE
    history = list(ActionPointReview.objects.filter(action_point=action_point).values_list("forum", "status"))
    assert history == [(second.pk, "in_progress"), (third.pk, "done")]
    page = client.get(f"/staff/community/action-points/{action_point.pk}/").content.decode()
    assert page.index("Two schools visited.") < page.index("All schools have the cards.")
    # Closed, it no longer comes up at a later forum.
    fourth = make_forum(personas.me_officer, date(2023, 9, 1))
    assert prefix not in client.get(f"/staff/community/forums/{fourth.pk}/").content.decode()


def test_it_refuses_a_review_at_the_same_or_an_earlier_forum_or_twice(personas) -> None:
    earlier = make_forum(personas.me_officer, date(2022, 1, 1))
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    later = make_forum(personas.me_officer, date(2022, 9, 1))
    action_point = make_action_point(personas.me_officer, forum)
    for at in (forum, earlier):
        with pytest.raises(services.ReviewNotAllowed):
            services.review_action_point(
                actor=personas.me_officer, action_point=action_point, forum=at, status="done", note="n"
            )
    services.review_action_point(
        actor=personas.me_officer, action_point=action_point, forum=later, status="in_progress", note="n"
    )
    with pytest.raises(services.ReviewNotAllowed):
        services.review_action_point(
            actor=personas.me_officer, action_point=action_point, forum=later, status="done", note="again"
        )
    assert ActionPointReview.objects.count() == 1


def test_a_replayed_review_is_refused_with_a_message(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    later = make_forum(personas.me_officer, date(2022, 9, 1))
    action_point = make_action_point(personas.me_officer, forum)
    client = login(personas.me_officer)
    prefix = f"review-{action_point.pk}"
    data = {f"{prefix}-status": "in_progress", f"{prefix}-note": "Started."}
    url = f"/staff/community/forums/{later.pk}/reviews/{action_point.pk}/"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 400
    assert ActionPointReview.objects.count() == 1


def test_another_organisation_sees_nothing_of_the_forums(personas, login, other_me_officer) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    action_point = make_action_point(personas.me_officer, forum)
    client = login(other_me_officer)
    assert client.get(f"/staff/community/forums/{forum.pk}/").status_code == 404
    assert client.get(f"/staff/community/action-points/{action_point.pk}/").status_code == 404
    assert "Qayyarah youth centre" not in client.get("/staff/community/forums/").content.decode()
    response = client.post(f"/staff/community/forums/{forum.pk}/concerns/", {"concern-text": "Injected."})
    assert response.status_code == 404
    assert not Concern.objects.exists()
    # Nor can it review one organisation's action point at its own forum.
    own = make_forum(other_me_officer, date(2022, 9, 1))
    prefix = f"review-{action_point.pk}"
    response = client.post(
        f"/staff/community/forums/{own.pk}/reviews/{action_point.pk}/",
        {f"{prefix}-status": "done", f"{prefix}-note": "Closed by someone else."},
    )
    assert response.status_code == 404
    assert not ActionPointReview.objects.exists()


def test_forum_attendance_is_entered_by_sex_and_age_band(personas, login) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    client = login(personas.me_officer)
    url = f"/staff/community/forums/{forum.pk}/attendance/"
    response = client.post(url, {"count_female_18_24": "12", "count_female_25_39": "9", "count_male_40_59": "3"})
    assert response.status_code == 302
    assert sorted(Attendance.objects.values_list("sex", "age_band", "count")) == [
        ("female", "18_24", 12),
        ("female", "25_39", 9),
        ("male", "40_59", 3),
    ]
    # A negative number is refused and the saved figures stay as they were.
    assert client.post(url, {"count_female_18_24": "-1"}).status_code == 400
    assert Attendance.objects.count() == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_action_point_export_never_holds_a_live_formula(personas, login, fmt) -> None:
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    make_action_point(personas.me_officer, forum, text='=HYPERLINK("http://example.invalid","click")')
    make_action_point(personas.me_officer, forum, text="@SUM(1+1)")
    response = login(personas.me_officer).get(f"/staff/community/action-points/export.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        cells = [row[2] for row in rows[1:]]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        cells = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(cells) == ['\'=HYPERLINK("http://example.invalid","click")', "'@SUM(1+1)"]
