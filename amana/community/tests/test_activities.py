from __future__ import annotations

import importlib.util
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from amana.community import selectors, services
from amana.community.catalogue import BUILT_IN_AUDIENCES, BUILT_IN_INSTITUTIONS, BUILT_IN_TOPICS
from amana.community.migrations import __path__ as migrations_path
from amana.community.models import Activity, Audience, KnowledgeScore, MaterialHandedOut, Topic
from amana.community.tests.conftest import make_training


def test_it_records_a_training_with_topics_and_audiences(personas, login) -> None:
    topic = Topic.objects.get(key="types_of_extortion")
    audience = Audience.objects.get(key="young_men")
    response = login(personas.me_officer).post(
        "/staff/community/activities/new/",
        {
            "kind": "training",
            "title": "Extortion awareness (example)",
            "held_on": "2022-10-02",
            "place": "Qayyarah school (example)",
            "topics": [topic.pk],
            "audiences": [audience.pk],
            "max_score": "10",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert (activity.organisation, list(activity.topics.all()), list(activity.audiences.all())) == (
        personas.ngo,
        [topic],
        [audience],
    )


def test_the_scores_give_the_averages_and_the_gain(personas) -> None:
    training = make_training(personas.me_officer, max_score=10)
    services.set_scores(actor=personas.me_officer, activity=training, pairs=[(4, 8), (5, 9), (6, 6)])
    summary = selectors.score_summary(training)
    assert summary is not None
    assert (summary.participants, summary.average_before, summary.average_after) == (3, Decimal("5.0"), Decimal("7.7"))
    assert (summary.gain, summary.gain_percent_points, summary.improved) == (Decimal("2.7"), Decimal("27.0"), 2)


def test_scores_are_entered_without_names_and_a_bad_score_loses_nothing(personas, login) -> None:
    training = make_training(personas.me_officer, max_score=10)
    client = login(personas.me_officer)
    url = f"/staff/community/activities/{training.pk}/scores/"
    form = client.get(url).content.decode()
    assert 'name="scores-0-pre_score"' in form
    assert "scores-0-name" not in form
    data = {
        "scores-TOTAL_FORMS": "3",
        "scores-INITIAL_FORMS": "0",
        "scores-0-pre_score": "3",
        "scores-0-post_score": "7",
        "scores-1-pre_score": "5",
        "scores-1-post_score": "9",
    }
    assert client.post(url, data).status_code == 302
    assert list(KnowledgeScore.objects.values_list("seat", "pre_score", "post_score")) == [(1, 3, 7), (2, 5, 9)]
    # Above the scale, or only one of the two scores: refused, and the saved scores stay.
    for bad in ({"scores-0-pre_score": "11", "scores-0-post_score": "7"}, {"scores-0-pre_score": "3"}):
        response = client.post(url, {"scores-TOTAL_FORMS": "1", "scores-INITIAL_FORMS": "0", **bad})
        assert response.status_code == 400
    assert KnowledgeScore.objects.count() == 2
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen with the language links
    page = client.get(f"/staff/community/activities/{training.pk}/").content.decode()
    assert "4.0 points (40.0 percentage points)" in page


def test_an_awareness_event_has_no_scores_page_but_records_materials(personas, login) -> None:
    event = services.create_activity(
        actor=personas.me_officer,
        kind="awareness_event",
        title="Festival (example)",
        held_on=date(2022, 9, 15),
        place="Qayyarah park (example)",
    )
    client = login(personas.me_officer)
    assert client.get(f"/staff/community/activities/{event.pk}/scores/").status_code == 404
    url = f"/staff/community/activities/{event.pk}/materials/"
    response = client.post(url, {"material": "hotline_card", "quantity": "400"})
    assert response.status_code == 302
    assert client.post(url, {"material": "hotline_card", "quantity": "lots"}).status_code == 400
    assert list(MaterialHandedOut.objects.values_list("material", "quantity")) == [("hotline_card", 400)]


def test_staff_add_to_a_catalogue_once(personas, login) -> None:
    client = login(personas.me_officer)
    data = {"catalogue": "topic", "name": "Online safety for parents (example)"}
    assert client.post("/staff/community/catalogue/", data).status_code == 302
    assert client.post("/staff/community/catalogue/", data).status_code == 400
    assert Topic.objects.filter(name="Online safety for parents (example)").count() == 1


def test_built_in_entries_show_in_the_readers_language(personas, login) -> None:
    page = login(personas.me_officer).get("/staff/community/catalogue/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "الشرطة المجتمعية" in page
    assert "community_police" not in page


def test_the_migration_seeds_every_built_in_entry() -> None:
    # The data migration names the keys itself; it must stay in step with the catalogue.
    path = Path(migrations_path[0]) / "0002_built_in_catalogues.py"
    spec = importlib.util.spec_from_file_location("seed", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert {
        "Topic": list(BUILT_IN_TOPICS),
        "Audience": list(BUILT_IN_AUDIENCES),
        "Institution": list(BUILT_IN_INSTITUTIONS),
    } == module.BUILT_IN
