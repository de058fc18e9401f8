"""The closure checklist: a case closes only when its steps are done, or a supervisor overrides each
missing one with a written, audited reason; closing ends every referral and tells each partner."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from amana.audit.models import AuditEntry
from amana.cases import services
from amana.cases.models import Case, ClosureDecision, ClosureRequest, Status
from amana.cases.selectors import ClosureItem
from amana.referrals.models import Referral
from amana.referrals.models import Status as ReferralStatus
from amana.referrals.selectors import ACCESS_ENDED
from amana.referrals.tests.conftest import refer

from .conftest import CLOSE_ANYWAY, SAFE_ANSWERS, assigned_case, colleague, ready_to_close

pytestmark = pytest.mark.django_db

FEEDBACK = {"reason": "her_choice", "feedback": "She feels safe now (example)."}
STILL_OPEN_REASON = "The police keep the liaison until the account is removed (example)."


def _arabic(text: str, **values: object) -> str:
    with translation.override("ar"):
        return _(text) % values if values else _(text)


def _label(code: str) -> str:
    with translation.override("ar"):
        return str(ClosureItem.LABELS[code])


def _urls(case: Case) -> tuple[str, str]:
    return f"/staff/cases/{case.reference}/closure/", f"/staff/cases/{case.reference}/closure/decision/"


def _unsafe_case(personas) -> tuple[Case, Referral]:
    """The case of the finding: in danger now, 15 to 17, never assessed, an empty plan, an open police referral."""
    case, _code = assigned_case(personas, danger_now="yes", age_band="15_17")
    return case, refer(personas, case)


def _overrides(*codes: str, reason: str = STILL_OPEN_REASON) -> dict[str, str]:
    data = {"decision": "approve"}
    for code in codes:
        data[f"override_{code}"] = "on"
        data[f"override_reason_{code}"] = reason
    return data


def test_the_checklist_shows_what_is_missing_on_the_request_and_decision_pages(personas, login) -> None:
    case, _referral = _unsafe_case(personas)
    request_url, _decision = _urls(case)
    page = login(personas.caseworker).get(request_url).content.decode()
    for code in (ClosureItem.RISK, ClosureItem.PLAN, ClosureItem.REFERRALS, ClosureItem.SAFEGUARDING):
        assert f"{_arabic('Missing:')} {_label(code)}" in page
    assert _arabic("No safety and risk assessment yet.") in page and _arabic("Her plan has no steps.") in page
    assert f'href="/staff/cases/{case.reference}/safeguarding/"' in page
    assert login(personas.caseworker).post(request_url, FEEDBACK).status_code == 302
    page = login(personas.supervisor).get(request_url).content.decode()
    assert f"{_arabic('Done:')} {_label(ClosureItem.FEEDBACK)}" in page
    assert f"{_arabic('Missing:')} {_label(ClosureItem.REFERRALS)}" in page
    for code in (ClosureItem.RISK, ClosureItem.PLAN, ClosureItem.REFERRALS, ClosureItem.SAFEGUARDING):
        assert f'name="override_reason_{code}"' in page
    assert 'name="override_reason_feedback"' not in page  # done: nothing to override


def test_an_adults_checklist_has_no_safeguarding_item(personas, login) -> None:
    case, _code = assigned_case(personas, age_band="25_34")
    page = login(personas.caseworker).get(_urls(case)[0]).content.decode()
    assert _label(ClosureItem.SAFEGUARDING) not in page and _label(ClosureItem.RISK) in page


def test_approval_is_refused_while_an_item_is_missing_and_nothing_changes(personas, login) -> None:
    case, referral = _unsafe_case(personas)
    request_url, decision_url = _urls(case)
    login(personas.caseworker).post(request_url, FEEDBACK)
    # Two items overridden, two still missing without a reason: refused, and the reasons typed stay on the page.
    response = login(personas.supervisor).post(decision_url, _overrides(ClosureItem.RISK, ClosureItem.PLAN))
    assert response.status_code == 400
    page = response.content.decode()
    missing = "; ".join(_label(code) for code in (ClosureItem.REFERRALS, ClosureItem.SAFEGUARDING))
    refusal = (
        "The case cannot close yet. Still missing: %(items)s. "
        "Complete these steps, or override each one with a written reason."
    )
    assert _arabic(refusal, items=missing) in page
    assert STILL_OPEN_REASON in page
    case.refresh_from_db()
    referral.refresh_from_db()
    assert case.status != Status.CLOSED and case.closure_requested
    assert ClosureRequest.objects.get().decision == ClosureDecision.PENDING
    assert referral.status == ReferralStatus.SENT
    assert not AuditEntry.objects.filter(action__startswith="case.closure_override_").exists()


def test_an_override_without_a_reason_is_explained_and_changes_nothing(personas, login) -> None:
    case, _referral = _unsafe_case(personas)
    request_url, decision_url = _urls(case)
    login(personas.caseworker).post(request_url, FEEDBACK)
    data = {**CLOSE_ANYWAY, "override_reason_referrals": "   "}
    response = login(personas.supervisor).post(decision_url, data)
    assert response.status_code == 400
    assert _arabic("Write why the case may close without it: an override needs a reason.") in response.content.decode()
    assert Case.objects.get().status != Status.CLOSED


def test_overrides_close_the_case_each_audited_and_every_partner_is_told_without_why(personas, login) -> None:
    case, referral = _unsafe_case(personas)
    request_url, decision_url = _urls(case)
    login(personas.caseworker).post(request_url, FEEDBACK)
    supervisor = login(personas.supervisor)
    assert supervisor.post(decision_url, CLOSE_ANYWAY).status_code == 302
    case.refresh_from_db()
    referral.refresh_from_db()
    assert case.status == Status.CLOSED and referral.status == ReferralStatus.CASE_CLOSED
    overridden = {ClosureItem.RISK, ClosureItem.PLAN, ClosureItem.REFERRALS, ClosureItem.SAFEGUARDING}
    audited = set(
        AuditEntry.objects.filter(action__startswith="case.closure_override_", object_id=str(case.pk)).values_list(
            "action", flat=True
        )
    )
    assert audited == {f"case.closure_override_{code}" for code in overridden}
    # The reasons are sealed, and shown with the decision to those who handle the case.
    request = ClosureRequest.objects.get()
    assert b"her request" not in bytes(request.decision_note_sealed)
    page = supervisor.get(request_url).content.decode()
    assert _arabic("Closed without: %(label)s", label=_label(ClosureItem.REFERRALS)) in page
    assert CLOSE_ANYWAY["override_reason_referrals"] in page
    # The police read that the case is closed, not why, and no longer open anything of it.
    police = login(personas.liaison)
    portal = police.get(f"/staff/referrals/received/{referral.reference}/").content.decode()
    with translation.override("ar"):
        assert str(ACCESS_ENDED[ReferralStatus.CASE_CLOSED]) in portal
        assert str(ReferralStatus.CASE_CLOSED.label) in police.get("/staff/referrals/received/").content.decode()
    for secret in ("safe now", "her request", _arabic("She asked to close the case")):
        assert secret not in portal


def test_a_case_with_every_step_done_closes_without_any_override(personas, login) -> None:
    case, _code = assigned_case(personas, age_band="under_15")
    ready_to_close(personas, case)
    request_url, decision_url = _urls(case)
    login(personas.caseworker).post(
        request_url, {"reason": "goals_met", "not_asked_because": "Her phone is checked (example)."}
    )
    page = login(personas.supervisor).get(request_url).content.decode()
    assert _arabic("Missing:") not in page and "override_reason_" not in page
    assert login(personas.supervisor).post(decision_url, {"decision": "approve"}).status_code == 302
    assert Case.objects.get().status == Status.CLOSED
    assert not AuditEntry.objects.filter(action__startswith="case.closure_override_").exists()


def test_an_assessment_before_the_last_danger_sign_does_not_count(personas, login) -> None:
    case, _code = assigned_case(personas)
    ready_to_close(personas, case)
    services.mark_duress_suspected(case=Case.objects.get(pk=case.pk))  # her duress code, after the assessment
    request_url, decision_url = _urls(case)
    login(personas.caseworker).post(request_url, FEEDBACK)
    page = login(personas.supervisor).get(request_url).content.decode()
    assert f"{_arabic('Missing:')} {_label(ClosureItem.RISK)}" in page
    assert login(personas.supervisor).post(decision_url, {"decision": "approve"}).status_code == 400
    services.record_risk_assessment(
        case=Case.objects.get(pk=case.pk), answers=SAFE_ANSWERS, notes="", judged="", by=personas.caseworker
    )
    assert login(personas.supervisor).post(decision_url, {"decision": "approve"}).status_code == 302
    assert Case.objects.get().status == Status.CLOSED


def test_a_request_without_her_feedback_or_why_not_is_explained(personas, login) -> None:
    case, _code = assigned_case(personas)
    response = login(personas.caseworker).post(_urls(case)[0], {"reason": "goals_met", "feedback": " "})
    assert response.status_code == 400
    assert _arabic("Write her feedback, or why she could not be asked safely.") in response.content.decode()
    assert not ClosureRequest.objects.exists()


def test_a_decision_on_a_stale_page_is_refused(personas, login) -> None:
    case, _code = assigned_case(personas)
    ready_to_close(personas, case)
    request_url, decision_url = _urls(case)
    caseworker, supervisor = login(personas.caseworker), login(personas.supervisor)
    caseworker.post(request_url, FEEDBACK)
    first = ClosureRequest.objects.get()
    # Another supervisor returns it meanwhile, and the caseworker asks again with other words.
    other = colleague(personas, "supervisor.two", "supervisor")
    login(other).post(decision_url, {"decision": "return", "note": "Ask her first (example)."})
    caseworker.post(request_url, {"reason": "goals_met", "feedback": "Better now (example)."})
    response = supervisor.post(decision_url, {"decision": "approve", "request": str(first.pk)})
    assert response.status_code == 400
    assert _arabic("The request to close this case changed since you opened the page. Read it again, then decide.") in (
        response.content.decode()
    )
    assert Case.objects.get().status != Status.CLOSED


@pytest.mark.parametrize(
    "bad", [{"request": "abc"}, {"override_risk": "on", "override_reason_risk": "x" * 3001}, {"decision": "close"}]
)
def test_a_malformed_decision_is_explained(personas, login, bad) -> None:
    case, _code = assigned_case(personas)
    login(personas.caseworker).post(_urls(case)[0], FEEDBACK)
    response = login(personas.supervisor).post(_urls(case)[1], {**CLOSE_ANYWAY, **bad})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert Case.objects.get().status != Status.CLOSED


def test_closing_a_closed_case_again_is_refused_without_a_second_decision(personas, login) -> None:
    case, _code = assigned_case(personas)
    request_url, decision_url = _urls(case)
    login(personas.caseworker).post(request_url, FEEDBACK)
    supervisor = login(personas.supervisor)
    assert supervisor.post(decision_url, CLOSE_ANYWAY).status_code == 302
    again = supervisor.post(decision_url, CLOSE_ANYWAY)
    assert again.status_code == 400
    assert _arabic("There is no request to close this case.") in again.content.decode()
    asked = login(personas.caseworker).post(request_url, FEEDBACK, follow=True)
    assert _arabic("This case is closed. A supervisor can reopen it.") in asked.content.decode()
    assert ClosureRequest.objects.count() == 1


@pytest.mark.parametrize("persona", ["caseworker", "me_officer", "liaison"])
def test_only_a_supervisor_decides(personas, login, persona: str) -> None:
    case, _code = assigned_case(personas)
    login(personas.caseworker).post(_urls(case)[0], FEEDBACK)
    assert login(getattr(personas, persona)).post(_urls(case)[1], CLOSE_ANYWAY).status_code == 403
    assert Case.objects.get().status != Status.CLOSED
