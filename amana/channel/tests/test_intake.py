from __future__ import annotations

import re
from typing import Any

import pytest

from amana.cases.models import Case, Channel
from amana.channel.models import SurvivorAccess
from amana.vault import services as vault

from .conftest import STEP_DATA

pytestmark = pytest.mark.django_db


def _intake_data(token: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"token": token, **extra}
    for number, answers in enumerate(STEP_DATA, start=1):
        data.update({f"s{number}-{key}": value for key, value in answers.items()})
    return data


def _token(client) -> str:
    return client.get("/staff/intake/").context["token"]


def test_a_caseworker_records_a_hotline_call(personas, login) -> None:
    client = login(personas.caseworker)
    token = _token(client)
    response = client.post("/staff/intake/", _intake_data(token, channel="hotline"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.HOTLINE and case.recorded_by == personas.caseworker
    assert case.organisation == personas.ngo
    page = client.get("/staff/intake/recorded/").content.decode()
    code = re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}", page).group(0).replace(" ", "")
    assert SurvivorAccess.objects.get(case=case).code_hash == vault.derive_code_secrets(code).lookup
    assert case.reference in page
    # The same form sent again (a second tap, or the back button) records nothing new.
    again = client.post("/staff/intake/", _intake_data(token, channel="hotline"))
    assert again.status_code == 302 and again["Location"] == "/staff/intake/recorded/"
    assert Case.objects.count() == 1 and SurvivorAccess.objects.count() == 1


def test_a_peace_team_member_records_a_case_the_team_holds(personas, login) -> None:
    client = login(personas.cpt_member)
    token = _token(client)
    response = client.post("/staff/intake/", _intake_data(token, channel="peace_team"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.PEACE_TEAM and case.recorded_by == personas.cpt_member
    # Held by the team until it hands the case over, with her consent, to an NGO.
    assert case.organisation == personas.cpt and case.received_by_team == personas.cpt
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 403
    assert client.get(f"/staff/cases/team/{case.reference}/").status_code == 200
    client.post("/staff/intake/", _intake_data(token, channel="peace_team"))
    assert Case.objects.count() == 1


def test_a_caseworker_cannot_claim_the_peace_team_channel(personas, login) -> None:
    client = login(personas.caseworker)
    response = client.post("/staff/intake/", _intake_data(_token(client), channel="peace_team"))
    assert response.status_code == 400
    assert Case.objects.count() == 0


@pytest.mark.parametrize("persona", ["liaison", "provider_staff", "me_officer", "org_admin", "system_admin"])
def test_other_roles_cannot_record_reports(personas, login, persona: str) -> None:
    client = login(getattr(personas, persona))
    assert client.get("/staff/intake/").status_code == 403
    assert client.post("/staff/intake/", _intake_data("t", channel="hotline")).status_code == 403
    assert Case.objects.count() == 0


def test_signed_out_people_are_sent_to_sign_in(client) -> None:
    assert "/staff/login/" in client.get("/staff/intake/")["Location"]
