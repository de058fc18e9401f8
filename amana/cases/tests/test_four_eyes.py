"""Four eyes on closure: whoever asked to close a case never decides it, even a supervisor."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from amana.accounts.models import Role
from amana.cases.models import ClosureDecision, ClosureRequest, Status

from .conftest import colleague, make_case, ready_to_close

pytestmark = pytest.mark.django_db


def _arabic(text: str) -> str:
    with translation.override("ar"):
        return _(text)


def _second_supervisor(personas):
    return colleague(personas, "supervisor.two", Role.SUPERVISOR)


def test_a_supervisor_cannot_approve_her_own_closure_request(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    supervisor = login(personas.supervisor)
    base = f"/staff/cases/{case.reference}/closure/"
    assert supervisor.post(base, {"reason": "goals_met", "feedback": "Thankful (example)."}).status_code == 302
    page = supervisor.get(base).content.decode()
    assert _arabic("You asked to close this case, so another supervisor must decide.") in page
    assert _arabic("Your organisation has no other supervisor yet: the request waits until one can decide.") in page
    assert f'action="/staff/cases/{case.reference}/closure/decision/"' not in page

    response = supervisor.post(f"{base}decision/", {"decision": "approve"}, follow=True)
    assert response.status_code == 400
    assert _arabic("You asked to close this case, so another supervisor must decide.") in response.content.decode()
    case.refresh_from_db()
    assert case.status != Status.CLOSED and case.closure_requested
    assert ClosureRequest.objects.get(case=case).decision == ClosureDecision.PENDING


def test_another_supervisor_decides_and_a_replayed_approval_changes_nothing(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    ready_to_close(personas, case)
    login(personas.supervisor).post(
        f"/staff/cases/{case.reference}/closure/", {"reason": "goals_met", "feedback": "Thankful (example)."}
    )
    other = login(_second_supervisor(personas))
    page = login(personas.supervisor).get(f"/staff/cases/{case.reference}/closure/").content.decode()
    assert _arabic("Your organisation has no other supervisor yet: the request waits until one can decide.") not in page
    decision = f"/staff/cases/{case.reference}/closure/decision/"
    assert other.post(decision, {"decision": "approve"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    replay = other.post(decision, {"decision": "approve"}, follow=True)
    assert replay.status_code == 400
    assert _arabic("There is no request to close this case.") in replay.content.decode()
    assert ClosureRequest.objects.filter(case=case).count() == 1
