from __future__ import annotations

import re

import pytest

from amana.cases.models import Case, Channel
from amana.channel.models import IntakeDraft, SurvivorAccess
from amana.vault import services as vault

from .intake_steps import answer_every_step, record_through_steps, start_draft

pytestmark = pytest.mark.django_db


def test_a_caseworker_records_a_hotline_call(personas, login) -> None:
    client = login(personas.caseworker)
    draft_id = start_draft(client)
    token = answer_every_step(client, draft_id)
    response = client.post(f"/staff/intake/drafts/{draft_id}/send/", {"token": token, "channel": "hotline"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.HOTLINE and case.recorded_by == personas.caseworker
    assert case.organisation == personas.ngo
    page = client.get("/staff/intake/recorded/").content.decode()
    code = re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}", page).group(0).replace(" ", "")
    assert SurvivorAccess.objects.get(case=case).code_hash == vault.derive_code_secrets(code).lookup
    assert case.reference in page
    # The draft is gone once the report is recorded.
    assert not IntakeDraft.objects.exists()
    # The same form sent again (a second tap, or the back button) records nothing new.
    again = client.post(f"/staff/intake/drafts/{draft_id}/send/", {"token": token, "channel": "hotline"})
    assert again.status_code == 302 and again["Location"] == "/staff/intake/recorded/"
    assert Case.objects.count() == 1 and SurvivorAccess.objects.count() == 1


def test_a_peace_team_member_records_a_case_the_team_holds(personas, login) -> None:
    client = login(personas.cpt_member)
    response = record_through_steps(client, channel="peace_team")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.PEACE_TEAM and case.recorded_by == personas.cpt_member
    # Held by the team until it hands the case over, with her consent, to an NGO.
    assert case.organisation == personas.cpt and case.received_by_team == personas.cpt
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 403
    assert client.get(f"/staff/cases/team/{case.reference}/").status_code == 200


def test_a_caseworker_cannot_claim_the_peace_team_channel(personas, login) -> None:
    client = login(personas.caseworker)
    response = record_through_steps(client, channel="peace_team")
    assert response.status_code == 400
    assert Case.objects.count() == 0
    # Her answers are still in the draft, to record with the right channel.
    assert IntakeDraft.objects.get().steps_answered > 0


@pytest.mark.parametrize("persona", ["liaison", "provider_staff", "me_officer", "org_admin", "system_admin"])
def test_other_roles_cannot_record_reports(personas, login, persona: str) -> None:
    client = login(getattr(personas, persona))
    assert client.get("/staff/intake/").status_code == 403
    assert client.post("/staff/intake/").status_code == 403
    assert not IntakeDraft.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client) -> None:
    assert "/staff/login/" in client.get("/staff/intake/")["Location"]
