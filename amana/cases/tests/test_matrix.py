"""Every persona against every case screen and action: allowed, or refused with 403 or 404, nothing between.

A case of the test NGO is assigned to the caseworker, with a plan step, a follow-up, evidence and
a pending closure; a peace-team case is held by the team. The outsider is a caseworker of another
NGO: lists open for her (empty of this NGO's cases), this NGO's cases are not found.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from amana.cases import services
from amana.cases.models import EvidenceFile, FollowUp, PlanAction, Sender

from .conftest import CLOSE_ANYWAY, make_case, team_case

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = "ok", 403, 404
LISTS = {"queue", "search", "caseload", "overdue", "notifications", "notifications_read"}
SUPERVISOR_ONLY = {"assign", "decide_closure", "reopen"}
TEAM = {"team_cases", "team_case", "hand_over"}


def _actions(ref: str, team_ref: str, ids: dict[str, int], personas: Any) -> list[tuple[str, str, str, dict]]:
    """(name, method, url, data) for every screen and action, the irreversible ones last."""
    base = f"/staff/cases/{ref}"
    follow_up = {"due_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"), "channel": "call"}
    assessment = dict.fromkeys(
        ("immediate_danger", "family_violence", "self_harm", "images_published", "knows_family"), "no"
    )
    incident = {"narrative": "x", "perpetrator_phones": "", "perpetrator_accounts": "", "technology_facilitated": "yes"}
    plan = {"kind": "legal", "details": "x", "consent_how": "verbal", "informed": "on"}
    return [
        ("queue", "get", "/staff/cases/", {}),
        ("search", "get", "/staff/cases/search/", {"q": ref}),
        ("caseload", "get", "/staff/cases/caseload/", {}),
        ("overdue", "get", "/staff/cases/overdue/", {}),
        ("notifications", "get", "/staff/cases/notifications/", {}),
        ("notifications_read", "post", "/staff/cases/notifications/read/", {}),
        ("case", "get", f"{base}/", {}),
        ("evidence", "get", f"{base}/files/{ids['evidence']}/", {}),
        ("reply", "post", f"{base}/reply/", {"body": "Matrix reply (example)"}),
        ("incident", "get", f"{base}/incident/", {}),
        ("incident_save", "post", f"{base}/incident/", incident),
        ("assessment", "get", f"{base}/assessment/", {}),
        ("assessment_save", "post", f"{base}/assessment/", assessment),
        ("plan", "get", f"{base}/plan/", {}),
        ("plan_add", "post", f"{base}/plan/", plan),
        ("finish_action", "post", f"{base}/plan/{ids['action']}/", {"status": "done", "outcome": "x"}),
        ("follow_ups", "get", f"{base}/follow-ups/", {}),
        ("follow_up_add", "post", f"{base}/follow-ups/", follow_up),
        ("record_follow_up", "post", f"{base}/follow-ups/{ids['follow_up']}/", {"status": "done", "outcome": "x"}),
        ("closure", "get", f"{base}/closure/", {}),
        ("closure_request", "post", f"{base}/closure/", {"reason": "goals_met", "feedback": "x"}),
        ("assign", "post", f"{base}/assign/", {"caseworker": personas.caseworker.pk}),
        ("decide_closure", "post", f"{base}/closure/decision/", CLOSE_ANYWAY),
        ("reopen", "post", f"{base}/reopen/", {}),
        ("team_cases", "get", "/staff/cases/team/", {}),
        ("team_case", "get", f"/staff/cases/team/{team_ref}/", {}),
        (
            "hand_over",
            "post",
            f"/staff/cases/team/{team_ref}/hand-over/",
            {"organisation": personas.ngo.pk, "consent_how": "verbal", "confirmed": "on"},
        ),
    ]


def _expected(persona: str, action: str) -> Any:
    if persona == "cpt_member":
        return OK if action in TEAM else FORBIDDEN
    if action in TEAM:
        return FORBIDDEN
    if persona == "supervisor":
        return OK
    if persona == "caseworker":
        return FORBIDDEN if action in SUPERVISOR_ONLY else OK
    if persona == "outsider":
        if action in SUPERVISOR_ONLY:
            return FORBIDDEN
        return OK if action in LISTS else NOT_FOUND
    return FORBIDDEN


@pytest.mark.parametrize(
    "persona",
    [
        "caseworker",
        "supervisor",
        "me_officer",
        "org_admin",
        "system_admin",
        "cpt_member",
        "liaison",
        "provider_staff",
        "outsider",
    ],
)
def test_every_persona_against_every_case_action(personas, login, persona: str) -> None:
    case, _code = make_case(personas.ngo)
    services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    services.add_evidence(case=case, files=[SimpleUploadedFile("x.txt", b"example")], sender=Sender.SURVIVOR)
    services.add_plan_action(
        case=case, kind="legal", consent_how="verbal", due_on=None, details="x", by=personas.caseworker
    )
    services.schedule_follow_up(
        case=case,
        plan=services.FollowUpPlan(due_at=timezone.now() + timedelta(days=1), channel="call"),
        by=personas.caseworker,
    )
    services.request_closure(case=case, reason="goals_met", feedback="", by=personas.caseworker)
    held = team_case(personas)
    ids = {
        "evidence": EvidenceFile.objects.get().pk,
        "action": PlanAction.objects.get().pk,
        "follow_up": FollowUp.objects.get().pk,
    }
    client = login(getattr(personas, persona))
    outcomes = {}
    for name, method, url, data in _actions(case.reference, held.reference, ids, personas):
        response = getattr(client, method)(url, data)
        status = response.status_code
        if status in (200, 302):
            assert "/staff/login/" not in response.get("Location", ""), name
            outcomes[name] = OK
        else:
            outcomes[name] = status
    expected = {name: _expected(persona, name) for name in outcomes}
    assert outcomes == expected
