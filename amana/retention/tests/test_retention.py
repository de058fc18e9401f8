"""Retention: closed cases are shredded when their time is up, never while held, and on her request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases import services as case_services
from amana.cases.models import Case, ClosureReason
from amana.cases.tests.conftest import OVERRIDE_EVERYTHING
from amana.channel import services as channel
from amana.channel.tests.conftest import make_case
from amana.retention import services
from amana.retention.models import DeletionRequest, LegalHold
from amana.vault.models import Locker, SurvivorKey


def closed_case(personas, months_ago: int = 0):  # type: ignore[no-untyped-def]
    """A case closed through the real steps, its closure dated ``months_ago`` months back."""
    case, code = make_case(personas.ngo)
    case_services.request_closure(case=case, reason=ClosureReason.GOALS_MET, feedback="", by=personas.caseworker)
    case_services.decide_closure(
        case=case, approve=True, note="", by=personas.supervisor, overrides=OVERRIDE_EVERYTHING
    )
    decided = services.months_before(timezone.now(), months_ago)
    case.closure_requests.update(decided_at=decided)
    return case, code


def lockers_of(case: Case) -> list[int]:
    return [case.identity_locker_id, case.incident_locker_id, case.care_locker_id, case.messages_locker_id]


def test_a_case_closed_longer_than_the_period_is_shredded(personas) -> None:
    old, old_code = closed_case(personas, months_ago=25)
    recent, recent_code = closed_case(personas, months_ago=23)
    open_case, _code = make_case(personas.ngo)
    before = AuditEntry.objects.count()

    assert services.expire_closed_cases() == 1

    assert not Case.objects.filter(pk=old.pk).exists()
    assert not Locker.objects.filter(pk__in=lockers_of(old)).exists()
    assert channel.find_by_code(old_code) is None
    assert channel.find_by_code(recent_code) is not None
    assert Case.objects.filter(pk__in=[recent.pk, open_case.pk]).count() == 2
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert [(e.action, e.object_id) for e in entries] == [(services.SHRED_AT_RETENTION_END, str(old.pk))]


def test_each_organisation_sets_its_own_period(personas) -> None:
    case, _code = closed_case(personas, months_ago=7)
    assert services.expire_closed_cases() == 0
    services.set_retention(organisation=personas.ngo, months=6, by=personas.org_admin)
    assert services.expire_closed_cases() == 1
    assert not Case.objects.filter(pk=case.pk).exists()


def test_a_case_on_legal_hold_is_never_shredded(personas) -> None:
    case, code = closed_case(personas, months_ago=30)
    services.place_hold(case=case, by=personas.supervisor)
    assert services.expire_closed_cases() == 0
    assert channel.find_by_code(code) is not None
    services.lift_hold(case=case, by=personas.supervisor)
    assert services.expire_closed_cases() == 1


@pytest.mark.parametrize("months", ["0", "-3", "abc", "241", ""])
def test_a_period_of_zero_or_nonsense_is_refused(personas, login, months) -> None:
    response = login(personas.org_admin).post("/staff/retention/period/", {"months": months})
    assert response.status_code == 400
    assert services.retention_months(personas.ngo) == 24


def test_the_service_refuses_zero_as_well(personas) -> None:
    with pytest.raises(services.RetentionRefused):
        services.set_retention(organisation=personas.ngo, months=0, by=personas.org_admin)


def test_an_organisation_admin_sets_the_period(personas, login) -> None:
    client = login(personas.org_admin)
    assert client.post("/staff/retention/period/", {"months": "36"}).status_code == 302
    assert services.retention_months(personas.ngo) == 36
    page = client.get("/staff/retention/").content.decode()
    assert "36 شهرًا" in page


def test_who_reaches_the_retention_page(personas, login) -> None:
    for name in ["supervisor", "org_admin"]:
        assert login(getattr(personas, name)).get("/staff/retention/").status_code == 200, name
    for name in ["caseworker", "me_officer", "cpt_member", "liaison", "provider_staff", "system_admin"]:
        assert login(getattr(personas, name)).get("/staff/retention/").status_code == 403, name
    # A supervisor cannot set the period, and an admin cannot delete a case.
    assert login(personas.supervisor).post("/staff/retention/period/", {"months": "3"}).status_code == 403
    case, _code = make_case(personas.ngo)
    assert login(personas.org_admin).post(f"/staff/retention/{case.reference}/delete/").status_code == 403


def enter_code(client: Client, code: str) -> None:
    assert client.post("/continue/", {"code": code}).status_code == 302


def test_she_asks_for_deletion_and_a_supervisor_confirms(personas, login) -> None:
    case, code = make_case(personas.ngo)
    her = Client()
    enter_code(her, code)
    page = her.get("/continue/page/").content.decode()
    assert "/continue/finish/" in page
    assert her.get("/continue/finish/").status_code == 200
    response = her.post("/continue/finish/")
    assert response.status_code == 302
    assert DeletionRequest.objects.filter(case=case).exists()
    assert "سبق أن طلبتِ حذف بلاغكِ" in her.get("/continue/finish/").content.decode()

    supervisor = login(personas.supervisor)
    assert case.reference in supervisor.get("/staff/retention/").content.decode()
    assert supervisor.post(f"/staff/retention/{case.reference}/delete/").status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists()
    assert channel.find_by_code(code) is None
    assert AuditEntry.objects.filter(action=services.SHRED_ON_REQUEST, object_id=str(case.pk)).count() == 1
    # Her open visit ends: the case is gone.
    assert her.get("/continue/page/").status_code == 302


def test_her_request_is_not_confirmed_while_the_case_is_held(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    services.request_deletion(case=case)
    supervisor = login(personas.supervisor)
    assert supervisor.post("/staff/retention/hold/", {"reference": case.reference}).status_code == 302
    assert LegalHold.objects.filter(case=case).exists()
    supervisor.post(f"/staff/retention/{case.reference}/delete/")
    assert Case.objects.filter(pk=case.pk).exists()
    assert "قيد الحجز القانوني" in supervisor.get("/staff/retention/").content.decode()


def test_a_case_is_not_deleted_without_her_request(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    login(personas.supervisor).post(f"/staff/retention/{case.reference}/delete/")
    assert Case.objects.filter(pk=case.pk).exists()


def test_another_organisations_supervisor_cannot_reach_the_case(personas, login) -> None:
    case, _code = make_case(personas.other_ngo)
    services.request_deletion(case=case)
    assert login(personas.supervisor).post(f"/staff/retention/{case.reference}/delete/").status_code == 404
    assert Case.objects.filter(pk=case.pk).exists()


def test_under_the_duress_code_asking_changes_nothing(personas) -> None:
    case, _code = make_case(personas.ngo)
    duress = channel.new_duress_code()
    channel.set_duress_code(access=case.survivor_access, duress=duress)
    duress_code = duress.code
    forced = Client()
    enter_code(forced, duress_code)
    assert forced.get("/continue/finish/").status_code == 200
    assert forced.post("/continue/finish/").status_code == 302
    assert not DeletionRequest.objects.filter(case=case).exists()
    # The page then says it was asked, as a real request's would, and her caseworker is told.
    assert forced.get("/continue/finish/").context["requested"]
    assert AuditEntry.objects.filter(
        action="retention.deletion_requested_under_duress", object_id=str(case.pk)
    ).exists()


def test_the_survivor_key_goes_with_the_case(personas) -> None:
    case, _code = closed_case(personas, months_ago=30)
    key_id = case.survivor_access.survivor_key_id
    services.expire_closed_cases(now=timezone.now() + timedelta(days=1))
    assert not SurvivorKey.objects.filter(pk=key_id).exists()
