"""Intake in steps: each step is saved in a sealed draft that only its member continues, even from
another visit; a stale, sent or someone else's draft gets a clear message, never an error page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from amana.cases.models import Case
from amana.channel import intake_drafts
from amana.channel.forms import STEPS
from amana.channel.models import IntakeDraft
from amana.vault import services as vault
from amana.vault.models import Locker
from conftest import PASSWORD

from .conftest import STEP_DATA
from .intake_steps import answer_every_step, start_draft

pytestmark = pytest.mark.django_db

NARRATIVE = STEP_DATA[1]["narrative"]
NAME = "Noor (example)"


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _step(draft_id: int, number: int) -> str:
    return f"/staff/intake/drafts/{draft_id}/{number}/"


def _typed_everywhere() -> list[str]:
    """Every text value stored anywhere in the database (the whole database, as a thief would copy it)."""
    found: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  # table names from the schema itself
            for row in cursor.fetchall():
                found.extend(
                    bytes(value).decode("utf-8", "replace") if isinstance(value, bytes | memoryview) else str(value)
                    for value in row
                )
    return found


def test_each_step_is_saved_sealed_and_holds_what_was_typed(personas, login) -> None:
    client = login(personas.cpt_member)
    draft_id = start_draft(client)
    assert client.post(_step(draft_id, 1), {**STEP_DATA[0], "next": ""}).status_code == 302
    assert client.post(_step(draft_id, 2), {**STEP_DATA[1], "next": ""}).status_code == 302

    draft = IntakeDraft.objects.get(pk=draft_id)
    assert draft.recorded_by == personas.cpt_member and draft.steps_answered == 2
    # At rest, nothing of what was typed is readable anywhere in the database.
    stored = "\n".join(_typed_everywhere())
    assert NARRATIVE not in stored and "He says he will send the photos" not in stored
    # With the member's organisation's key, the draft holds exactly what was typed.
    opened = json.loads(
        vault.open_text(
            draft.locker, bytes(draft.content_sealed), keyring=vault.user_keyring(personas.cpt_member, PASSWORD)
        )
    )
    assert opened["amana_draft"]["answers"]["2"]["narrative"] == NARRATIVE


def test_a_draft_left_part_way_is_continued_in_another_visit(personas, login) -> None:
    first_visit = login(personas.cpt_member)
    draft_id = start_draft(first_visit)
    first_visit.post(_step(draft_id, 1), {**STEP_DATA[0], "next": ""})
    # "Save and finish later" keeps even a step that is not complete yet, unchecked.
    response = first_visit.post(_step(draft_id, 2), {"narrative": NARRATIVE, "leave": ""})
    assert response.status_code == 302 and response["Location"] == "/staff/intake/"

    later = _english(login(personas.cpt_member))
    listing = later.get("/staff/intake/").content.decode()
    assert f"1 of {len(STEPS)} steps answered." in listing
    assert f'href="{_step(draft_id, 1)}"' in listing
    page = later.get(_step(draft_id, 2)).content.decode()
    assert NARRATIVE in page  # what was typed comes back, without an error shown
    assert "Please answer this question." not in page

    locker_id = IntakeDraft.objects.get(pk=draft_id).locker_id
    token = answer_every_step(later, draft_id)
    response = later.post(f"/staff/intake/drafts/{draft_id}/send/", {"token": token, "channel": "peace_team"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.recorded_by == personas.cpt_member
    # Recorded: the draft is deleted and its locker shredded, nothing of it opens again.
    assert not IntakeDraft.objects.exists()
    assert Locker.objects.get(pk=locker_id).shredded_at is not None


def test_next_on_an_incomplete_step_says_what_is_missing_and_keeps_what_was_typed(personas, login) -> None:
    client = _english(login(personas.caseworker))
    draft_id = start_draft(client)
    response = client.post(_step(draft_id, 1), {"for_whom": "self", "next": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please answer this question." in page and "What you typed is saved." in page
    assert IntakeDraft.objects.get(pk=draft_id).steps_answered == 0
    # The page to record refuses to skip a step, and sends back to it.
    response = client.get(f"/staff/intake/drafts/{draft_id}/send/")
    assert response.status_code == 302 and response["Location"] == _step(draft_id, 1)


def test_someone_elses_draft_gets_a_clear_message_and_stays_as_it_was(personas, login) -> None:
    owner = login(personas.cpt_member)
    draft_id = start_draft(owner)
    owner.post(_step(draft_id, 1), {**STEP_DATA[0], "next": ""})
    before = bytes(IntakeDraft.objects.get(pk=draft_id).content_sealed)

    other = _english(login(personas.caseworker))
    for response in (
        other.get(_step(draft_id, 1)),
        other.post(_step(draft_id, 1), {**STEP_DATA[0], "next": ""}),
        other.get(f"/staff/intake/drafts/{draft_id}/send/"),
        other.post(f"/staff/intake/drafts/{draft_id}/discard/"),
    ):
        assert response.status_code == 404
        assert "This draft cannot be opened" in response.content.decode()
    assert bytes(IntakeDraft.objects.get(pk=draft_id).content_sealed) == before
    assert f"/staff/intake/drafts/{draft_id}/" not in other.get("/staff/intake/").content.decode()


def test_a_stale_draft_is_deleted_with_a_clear_message(personas, login) -> None:
    client = _english(login(personas.cpt_member))
    draft_id = start_draft(client)
    client.post(_step(draft_id, 1), {**STEP_DATA[0], "next": ""})
    locker_id = IntakeDraft.objects.get(pk=draft_id).locker_id
    IntakeDraft.objects.filter(pk=draft_id).update(
        updated_at=timezone.now() - timedelta(days=intake_drafts.DRAFT_DAYS + 1)
    )

    assert f"/staff/intake/drafts/{draft_id}/" not in client.get("/staff/intake/").content.decode()
    response = client.get(_step(draft_id, 2))
    assert response.status_code == 410
    assert "lay unused for more than 7 days, so it was deleted" in response.content.decode()
    assert not IntakeDraft.objects.filter(pk=draft_id).exists()
    assert Locker.objects.get(pk=locker_id).shredded_at is not None


def test_the_schedule_forgets_stale_drafts(personas, login) -> None:
    client = login(personas.cpt_member)
    stale, fresh = start_draft(client), start_draft(client)
    IntakeDraft.objects.filter(pk=stale).update(
        updated_at=timezone.now() - timedelta(days=intake_drafts.DRAFT_DAYS + 1)
    )
    assert intake_drafts.forget_stale_drafts() == 1
    assert list(IntakeDraft.objects.values_list("pk", flat=True)) == [fresh]


def test_a_step_sent_again_after_the_report_was_recorded_gets_a_clear_message(personas, login) -> None:
    client = _english(login(personas.cpt_member))
    draft_id = start_draft(client)
    token = answer_every_step(client, draft_id)
    client.post(f"/staff/intake/drafts/{draft_id}/send/", {"token": token, "channel": "peace_team"})
    response = client.post(_step(draft_id, 1), {**STEP_DATA[0], "next": ""})
    assert response.status_code == 404
    assert "it was already recorded or discarded" in response.content.decode()
    assert Case.objects.count() == 1


def test_a_discarded_draft_is_shredded(personas, login) -> None:
    client = _english(login(personas.cpt_member))
    draft_id = start_draft(client)
    client.post(_step(draft_id, 1), {**STEP_DATA[0], "next": ""})
    locker_id = IntakeDraft.objects.get(pk=draft_id).locker_id
    response = client.post(f"/staff/intake/drafts/{draft_id}/discard/")
    assert response.status_code == 302
    assert not IntakeDraft.objects.exists()
    assert Locker.objects.get(pk=locker_id).shredded_at is not None
    assert client.get(_step(draft_id, 1)).status_code == 404


def test_a_step_that_does_not_exist_is_not_found(personas, login) -> None:
    client = login(personas.cpt_member)
    draft_id = start_draft(client)
    assert client.get(_step(draft_id, len(STEPS) + 1)).status_code == 404
    assert client.get(_step(draft_id, 0)).status_code == 404
