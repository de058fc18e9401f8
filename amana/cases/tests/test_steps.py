"""The case steps: intake corrections, risk assessment, action plan, follow-ups and closure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases import services
from amana.cases.models import (
    ActionStatus,
    Case,
    ClosureDecision,
    ClosureRequest,
    FollowUp,
    FollowUpStatus,
    Notification,
    NotificationKind,
    PlanAction,
    RiskAssessment,
    RiskLevel,
    Status,
)

from .conftest import assigned_case, make_case, ready_to_close

pytestmark = pytest.mark.django_db

SAFE_ANSWERS = {
    "immediate_danger": "no",
    "family_violence": "no",
    "self_harm": "no",
    "images_published": "no",
    "knows_family": "no",
}


def _assess(client, case, **answers) -> object:
    return client.post(f"/staff/cases/{case.reference}/assessment/", {**SAFE_ANSWERS, "notes": "", **answers})


def test_a_risk_assessment_is_sealed_and_only_its_level_is_plain(personas, login) -> None:
    case, _ = assigned_case(personas)
    client = login(personas.caseworker)
    response = _assess(client, case, images_published="yes", notes="Her uncle checks her phone (example).")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.MEDIUM and case.status == Status.IN_PROGRESS
    assessment = RiskAssessment.objects.get()
    assert b"uncle" not in bytes(assessment.answers_sealed) and b"images_published" not in bytes(
        assessment.answers_sealed
    )
    page = client.get(f"/staff/cases/{case.reference}/assessment/").content.decode()
    assert "Her uncle checks her phone (example)." in page
    # A medium risk is not urgent: nobody is disturbed.
    assert not Notification.objects.exclude(kind=NotificationKind.ASSIGNED).exists()


@pytest.mark.parametrize("question", ["immediate_danger", "family_violence", "self_harm"])
def test_an_urgent_risk_notifies_the_supervisors_at_once(personas, login, question: str) -> None:
    case, _ = assigned_case(personas)
    client = login(personas.caseworker)
    response = _assess(client, case, **{question: "yes"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.HIGH and case.is_urgent
    notice = Notification.objects.get(recipient=personas.supervisor)
    assert notice.kind == NotificationKind.HIGH_RISK and notice.case == case
    page = login(personas.supervisor).get("/staff/cases/notifications/").content.decode()
    assert f"تم تقييم الحالة {case.reference} على أنها عالية الخطورة" in page


def test_the_caseworker_may_judge_the_risk_higher_never_lower(personas) -> None:
    case, _ = assigned_case(personas)
    services.record_risk_assessment(
        case=case, answers={**SAFE_ANSWERS}, notes="", judged=RiskLevel.MEDIUM, by=personas.caseworker
    )
    assert Case.objects.get().risk_level == RiskLevel.MEDIUM
    services.record_risk_assessment(
        case=case, answers={**SAFE_ANSWERS, "self_harm": "yes"}, notes="", judged=RiskLevel.LOW, by=personas.caseworker
    )
    assert Case.objects.get().risk_level == RiskLevel.HIGH
    # "Not known" on a life-or-safety question is not taken as "no".
    assert services.risk_level_from({**SAFE_ANSWERS, "immediate_danger": "unknown"}) == RiskLevel.MEDIUM


@pytest.mark.parametrize(
    "bad",
    [
        {"immediate_danger": ""},
        {"self_harm": "maybe"},
        {"judged": "extreme"},
        {"notes": "x" * 3001},
    ],
)
def test_a_bad_assessment_is_explained_and_saves_nothing(personas, login, bad) -> None:
    case, _ = assigned_case(personas)
    response = _assess(login(personas.caseworker), case, **bad)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not RiskAssessment.objects.exists() and Case.objects.get().risk_level == ""


def _plan_data(**changes) -> dict:
    data = {"kind": "psychosocial", "details": "Call the wellbeing centre with her (example).", "consent_how": "verbal"}
    data.update(informed="on", **changes)
    return data


def test_a_plan_step_needs_her_informed_choice_and_is_then_done(personas, login) -> None:
    case, _ = assigned_case(personas)
    client = login(personas.caseworker)
    url = f"/staff/cases/{case.reference}/plan/"
    response = client.post(url, {**_plan_data(), "informed": ""})
    assert response.status_code == 400 and "تعرف ما تتضمنه" in response.content.decode()
    assert not PlanAction.objects.exists()
    assert client.post(url, _plan_data(due_on="2031-01-31")).status_code == 302
    action = PlanAction.objects.get()
    assert b"wellbeing" not in bytes(action.details_sealed)
    assert "Call the wellbeing centre with her (example)." in client.get(url).content.decode()
    finish = f"{url}{action.pk}/"
    assert client.post(finish, {"status": "done", "outcome": ""}).status_code == 302
    assert PlanAction.objects.get().status == ActionStatus.PLANNED  # an outcome is needed
    client.post(finish, {"status": "done", "outcome": "First session held (example)."})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.finished_at is not None
    assert "First session held (example)." in client.get(url).content.decode()
    # Recorded once: a replayed form changes nothing.
    client.post(finish, {"status": "dropped", "outcome": "again"})
    assert PlanAction.objects.get().status == ActionStatus.DONE


def test_a_plan_step_past_its_date_makes_the_case_overdue(personas, login) -> None:
    case, _ = assigned_case(personas)
    services.add_plan_action(
        case=case,
        kind="legal",
        consent_how="written",
        due_on=timezone.localdate() - timedelta(days=1),
        details="x",
        by=personas.caseworker,
    )
    page = login(personas.caseworker).get("/staff/cases/?view=overdue").content.decode()
    assert case.reference in page and "flag--overdue" in page


def test_a_follow_up_starts_from_her_safe_contact_plan_and_is_sealed(personas, login) -> None:
    case, _ = assigned_case(personas, if_someone_else_answers="Say it is the tailor (example)")
    client = login(personas.caseworker)
    url = f"/staff/cases/{case.reference}/follow-ups/"
    form = client.get(url).content.decode()
    assert "Mornings (example)" in form and "Say it is the tailor (example)" in form
    due = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "due_at": due,
        "channel": "call",
        "safe_times": "Mornings (example)",
        "if_someone_else_answers": "Say it is the tailor (example)",
        "purpose": "Ask how the first session went",
    }
    assert client.post(url, data).status_code == 302
    follow_up = FollowUp.objects.get()
    assert b"tailor" not in bytes(follow_up.details_sealed) and b"Mornings" not in bytes(follow_up.details_sealed)
    record = f"{url}{follow_up.pk}/"
    client.post(record, {"status": "missed", "outcome": "No answer at the safe time (example)."})
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.MISSED and follow_up.recorded_by == personas.caseworker
    assert "No answer at the safe time (example)." in client.get(url).content.decode()


@pytest.mark.parametrize(
    "changes",
    [
        {"due_at": ""},
        {"due_at": "tomorrow"},
        {"due_at": "2999-01-01T10:00"},
        {"channel": "pigeon"},
        {"if_someone_else_answers": "x" * 3001},
    ],
)
def test_a_bad_follow_up_is_explained(personas, login, changes) -> None:
    case, _ = assigned_case(personas)
    soon = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"due_at": soon, "channel": "call", **changes}
    response = login(personas.caseworker).post(f"/staff/cases/{case.reference}/follow-ups/", data)
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not FollowUp.objects.exists()


def _overdue_follow_up(case, by) -> FollowUp:
    # The form asks for a time ahead; the service takes any, as for one entered after the fact.
    return services.schedule_follow_up(
        case=case, plan=services.FollowUpPlan(due_at=timezone.now() - timedelta(hours=3), channel="call"), by=by
    )


def test_overdue_follow_ups_are_listed_per_caseworker_and_for_the_supervisor(personas, login, other_caseworker) -> None:
    mine, _ = assigned_case(personas)
    theirs, _ = assigned_case(personas)
    services.assign_case(case=mine, caseworker=personas.caseworker, by=personas.supervisor)
    services.assign_case(case=theirs, caseworker=other_caseworker, by=personas.supervisor)
    _overdue_follow_up(mine, personas.caseworker)
    _overdue_follow_up(theirs, other_caseworker)
    page = login(personas.caseworker).get("/staff/cases/overdue/").content.decode()
    assert mine.reference in page and theirs.reference not in page
    page = login(personas.supervisor).get("/staff/cases/overdue/").content.decode()
    assert mine.reference in page and theirs.reference in page
    caseload = login(personas.supervisor).get("/staff/cases/caseload/").content.decode()
    assert "caseworker.two" in caseload and "flag--overdue" in caseload
    # Once recorded it is no longer overdue.
    follow_up = FollowUp.objects.get(case=mine)
    services.record_follow_up(follow_up=follow_up, status="done", outcome="ok", by=personas.caseworker)
    assert mine.reference not in login(personas.caseworker).get("/staff/cases/overdue/").content.decode()


def test_closure_is_requested_by_the_caseworker_and_approved_by_a_supervisor(personas, login) -> None:
    case, _ = assigned_case(personas)
    ready_to_close(personas, case)
    caseworker = login(personas.caseworker)
    url = f"/staff/cases/{case.reference}/closure/"
    response = caseworker.post(url, {"reason": "goals_met", "feedback": "She felt listened to (example)."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.closure_requested and case.status != Status.CLOSED
    request = ClosureRequest.objects.get()
    assert b"listened" not in bytes(request.feedback_sealed)
    assert Notification.objects.filter(recipient=personas.supervisor, kind=NotificationKind.CLOSURE_REQUESTED).exists()
    # The caseworker cannot approve her own request.
    assert caseworker.post(f"{url}decision/", {"decision": "approve"}).status_code == 403
    # Asking twice is refused without a second request.
    caseworker.post(url, {"reason": "her_choice", "feedback": "Again (example)."})
    assert ClosureRequest.objects.count() == 1
    supervisor = login(personas.supervisor)
    assert "She felt listened to (example)." in supervisor.get(url).content.decode()
    assert supervisor.post(f"{url}decision/", {"decision": "approve"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED and not case.closure_requested
    assert ClosureRequest.objects.get().decision == ClosureDecision.APPROVED
    assert AuditEntry.objects.filter(action="case.closure_approved", object_id=str(case.pk)).exists()
    # A closed case takes no more steps until a supervisor reopens it.
    _assess(caseworker, case)
    assert RiskAssessment.objects.count() == 1  # the one made before closing
    assert caseworker.post(f"/staff/cases/{case.reference}/reopen/").status_code == 403
    supervisor.post(f"/staff/cases/{case.reference}/reopen/")
    assert Case.objects.get().status == Status.IN_PROGRESS


def test_a_returned_closure_needs_a_note_and_tells_the_caseworker(personas, login) -> None:
    case, _ = assigned_case(personas)
    services.request_closure(case=case, reason="no_contact", feedback="", by=personas.caseworker)
    supervisor = login(personas.supervisor)
    url = f"/staff/cases/{case.reference}/closure/decision/"
    response = supervisor.post(url, {"decision": "return", "note": ""})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert ClosureRequest.objects.get().decision == ClosureDecision.PENDING
    supervisor.post(url, {"decision": "return", "note": "Try the Peace Team contact first (example)."})
    case.refresh_from_db()
    assert not case.closure_requested and case.status != Status.CLOSED
    assert Notification.objects.filter(recipient=personas.caseworker, kind=NotificationKind.CLOSURE_RETURNED).exists()
    assert supervisor.post(url, {"decision": "approve"}).status_code == 400
    assert Case.objects.get().status != Status.CLOSED  # nothing pending any more


def test_a_colleague_neither_reads_nor_changes_a_case_assigned_to_another(personas, login, other_caseworker) -> None:
    case, _ = assigned_case(personas)
    client = login(other_caseworker)
    assert client.get(f"/staff/cases/{case.reference}/assessment/").status_code == 404
    assert _assess(client, case).status_code == 404
    assert client.post(f"/staff/cases/{case.reference}/reply/", {"body": "x"}).status_code == 404
    assert not RiskAssessment.objects.exists()


def test_a_supervisor_assigns_and_the_caseworker_is_told(personas, login, other_caseworker) -> None:
    case, _ = make_case(personas.ngo)
    supervisor = login(personas.supervisor)
    url = f"/staff/cases/{case.reference}/assign/"
    supervisor.post(url, {"caseworker": personas.outsider.pk})  # another NGO's caseworker
    assert Case.objects.get().assigned_to is None
    supervisor.post(url, {"caseworker": "nonsense"})
    assert Case.objects.get().assigned_to is None
    assert supervisor.post(url, {"caseworker": other_caseworker.pk}).status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == other_caseworker and case.status == Status.IN_PROGRESS
    assert Notification.objects.get(recipient=other_caseworker).kind == NotificationKind.ASSIGNED
    assert login(personas.caseworker).post(url, {"caseworker": personas.caseworker.pk}).status_code == 403
