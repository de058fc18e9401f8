"""The NGO asks a peace team for a follow-up visit on a case whose survivor chose that contact; the
team sees only the brief written for the visit, and tells the caseworker how it went."""

from __future__ import annotations

import pytest
from django.utils import translation

from amana.accounts import services as accounts
from amana.accounts.models import OrganisationKind, Role
from amana.audit.models import AuditEntry
from amana.cases import services as cases
from amana.channel.tests.conftest import make_case
from amana.community import services
from amana.community.models import VisitRequest

BRIEF = "Ask for Umm Ali's daughter at the blue gate after 10 (example)."
NARRATIVE = "Threatened over pictures on an example app (example story)."


def in_arabic(message: str) -> str:
    with translation.override("ar"):
        return translation.gettext(message)


@pytest.fixture
def team(personas):
    return services.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")


@pytest.fixture
def case(personas):
    made, _code = make_case(
        personas.ngo, contact_methods=["peace_team"], contact_phone="", name="Noor Visit (example)", narrative=NARRATIVE
    )
    cases.assign_case(case=made, caseworker=personas.caseworker, by=personas.supervisor)
    return made


def ask(client, case, team, brief: str = BRIEF):
    data = {"case_reference": case.reference, "team": team.pk, "due_on": "2026-12-20", "brief": brief}
    return client.post("/staff/community/visits/request/", data)


def test_a_caseworker_asks_a_team_and_the_team_sees_only_the_brief(personas, login, team, case) -> None:
    response = ask(login(personas.caseworker), case, team)
    assert response.status_code == 302
    visit = VisitRequest.objects.get()
    assert (visit.case, visit.team, visit.status) == (case, team, "requested")
    assert BRIEF.encode() not in bytes(visit.brief_sealed)
    assert AuditEntry.objects.filter(action="community.visit.requested", object_id=str(visit.pk)).exists()

    page = login(personas.cpt_member).get("/staff/community/visits/").content.decode()
    assert "blue gate" in page and visit.reference in page
    # Nothing of the case: not its reference, her name or what happened.
    assert case.reference not in page and "Noor Visit" not in page and "example app" not in page
    assert "/staff/cases/" not in page[page.index("<main") : page.index("</main>")]


def test_the_team_records_the_visit_and_the_caseworker_reads_it(personas, login, team, case) -> None:
    ask(login(personas.caseworker), case, team)
    visit = VisitRequest.objects.get()
    team_client = login(personas.cpt_member)
    prefix = visit.reference
    response = team_client.post(
        f"/staff/community/visits/{visit.reference}/record/",
        {f"{prefix}-status": "done", f"{prefix}-note": "She is well and wants a call next week (example)."},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "done" and visit.recorded_by == personas.cpt_member
    assert "wants a call next week" in login(personas.caseworker).get("/staff/community/visits/").content.decode()
    again = team_client.post(
        f"/staff/community/visits/{visit.reference}/record/", {f"{prefix}-status": "done", f"{prefix}-note": "Twice."}
    )
    assert again.status_code == 400 and in_arabic("This visit was already recorded.") in again.content.decode()


def test_no_visit_when_she_did_not_choose_peace_team_contact(personas, login, team) -> None:
    other, _code = make_case(personas.ngo, contact_methods=["call"])
    cases.assign_case(case=other, caseworker=personas.caseworker, by=personas.supervisor)
    response = ask(login(personas.caseworker), other, team)
    assert response.status_code == 400
    refusal = "She did not choose to be contacted through a peace team, so no visit can be asked for."
    assert in_arabic(refusal) in response.content.decode()
    assert not VisitRequest.objects.exists()


def test_a_brief_is_required(personas, login, team, case) -> None:
    assert ask(login(personas.caseworker), case, team, brief="").status_code == 400
    assert not VisitRequest.objects.exists()


def test_another_organisation_cannot_ask_about_the_case_nor_another_team_see_it(personas, login, team, case) -> None:
    assert ask(login(personas.outsider), case, team).status_code in (400, 404)
    assert not VisitRequest.objects.exists()
    ask(login(personas.caseworker), case, team)
    other_cpt = accounts.create_organisation(actor=None, name="Other Peace Team (example)", kind=OrganisationKind.CPT)
    services.create_team(actor=personas.me_officer, organisation=other_cpt, area="Hammam al-Alil (example)")
    stranger = personas._member("other.cpt", other_cpt, Role.CPT_MEMBER)
    assert "blue gate" not in login(stranger).get("/staff/community/visits/").content.decode()
    visit = VisitRequest.objects.get()
    response = login(stranger).post(f"/staff/community/visits/{visit.reference}/record/", {})
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["me_officer", "org_admin", "liaison", "provider_staff"])
def test_other_roles_are_refused(personas, login, persona) -> None:
    client = login(getattr(personas, persona))
    assert client.get("/staff/community/visits/").status_code == 403
    assert client.post("/staff/community/visits/request/", {}).status_code == 403


def test_a_team_member_cannot_ask_for_visits(personas, login, team, case) -> None:
    assert ask(login(personas.cpt_member), case, team).status_code == 403
