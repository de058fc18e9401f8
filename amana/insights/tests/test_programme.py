"""Community programme indicators: forums, action points, people trained and what they learned."""

from __future__ import annotations

from datetime import date

from django.utils.translation import override

from amana.community import services as community
from amana.community.models import ActionStatus, AgeBand, Sex
from amana.community.tests.conftest import make_action_point, make_forum, make_training

PERIOD = {"first": "2023-01", "last": "2023-12"}


def counts_of(response) -> dict[str, str | None]:
    with override("en"):
        return {str(label): value for label, value in response.context["result"].counts}


def test_it_counts_forums_and_their_action_points(personas, login) -> None:
    me = personas.me_officer
    forum = make_forum(me, held_on=date(2023, 3, 7))
    make_action_point(me, forum)
    done = make_action_point(me, forum, text="Hold a second forum (example)")
    done.status = ActionStatus.DONE
    done.save(update_fields=["status"])
    counts = counts_of(login(me).get("/staff/insights/", PERIOD))
    assert counts["Community Security Forums held"] == "1"
    assert counts["Action points agreed at them"] == "2"
    assert counts["Of these, completed"] == "1"
    # The other was due on 2023-04-01 and is still open.
    assert counts["Of these, still open past their due date"] == "1"


def test_it_suppresses_small_groups_of_people_trained(personas, login) -> None:
    me = personas.me_officer
    training = make_training(me)
    community.set_attendance(
        actor=me,
        target=training,
        counts={
            (Sex.FEMALE, AgeBand.AGE_18_24): 12,
            (Sex.FEMALE, AgeBand.UNDER_18): 2,
            (Sex.MALE, AgeBand.AGE_18_24): 6,
            (Sex.MALE, AgeBand.AGE_25_39): 9,
        },
    )
    figures = login(me).get("/staff/insights/", PERIOD).context["result"].figures
    trained = next(table for table in figures.tables if table.key == "trained")
    assert figures.shown(trained.cell_var(Sex.FEMALE, AgeBand.UNDER_18)).primary
    assert figures.shown(trained.total_var()).value == 29
    assert figures.shown(trained.row_var(Sex.MALE)).value == 15


def test_it_shows_the_knowledge_gain_only_for_enough_people(personas, login) -> None:
    me = personas.me_officer
    training = make_training(me, max_score=10)
    community.set_scores(actor=me, activity=training, pairs=[(4, 8)] * 3)
    assert counts_of(login(me).get("/staff/insights/", PERIOD))["Knowledge score before and after training"] is None
    community.set_scores(actor=me, activity=training, pairs=[(4, 8)] * 3 + [(2, 7), (6, 9)])
    counts = counts_of(login(me).get("/staff/insights/", PERIOD))
    assert counts["Average knowledge score before training (percent of the highest score)"] == "40"
    assert counts["Average knowledge score after training (percent of the highest score)"] == "80"
    assert counts["Knowledge gain (percentage points)"] == "40"


def test_it_compares_around_a_chosen_forum(personas, login) -> None:
    me = personas.me_officer
    forum = make_forum(me, held_on=date(2023, 6, 5))
    response = login(me).get("/staff/insights/", {**PERIOD, "activity": f"forum:{forum.pk}", "window": "2"})
    assert [months for _label, months, _text in response.context["sums"]] == ["2023-04, 2023-05", "2023-06, 2023-07"]


def test_it_ignores_another_organisations_forum(personas, login, other_me_officer) -> None:
    forum = make_forum(other_me_officer, held_on=date(2023, 6, 5))
    response = login(personas.me_officer).get("/staff/insights/", {**PERIOD, "activity": f"forum:{forum.pk}"})
    assert response.status_code == 400
