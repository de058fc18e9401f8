"""Her safe-contact plan is changed with her by her caseworker, with a reason; the plan before stays in
her sealed file, and the change is audited."""

from __future__ import annotations

from django.utils import translation

from amana.audit.models import AuditEntry
from amana.cases import selectors, services
from amana.cases.models import Case

from .conftest import keyring_of, make_case


def in_arabic(message: str) -> str:
    with translation.override("ar"):
        return translation.gettext(message)


def assigned(personas) -> Case:
    case, _code = make_case(personas.ngo)
    services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    return case


NEW_PLAN = {
    "contact_methods": ["peace_team"],
    "contact_phone": "",
    "safe_times": "Friday mornings at her aunt's (example).",
    "if_someone_else_answers": "",
    "how": "verbal",
    "reason": "Her brother now checks her phone (example).",
}


def test_the_caseworker_changes_her_plan_with_a_reason_and_the_old_plan_stays(personas, login) -> None:
    case = assigned(personas)
    before = selectors.open_identity(case, keyring=keyring_of(personas.caseworker))
    client = login(personas.caseworker)
    url = f"/staff/cases/{case.reference}/contact-plan/"
    assert client.post(url, NEW_PLAN).status_code == 302
    case.refresh_from_db()
    identity = selectors.open_identity(case, keyring=keyring_of(personas.caseworker))
    assert identity["contact_methods"] == ["peace_team"] and identity["contact_phone"] == ""
    assert identity["name"] == before["name"]
    earlier = identity["contact_plan_history"][0]
    assert earlier["previous"]["contact_methods"] == before["contact_methods"]
    assert (earlier["how"], earlier["reason"], earlier["by"]) == ("verbal", NEW_PLAN["reason"], "caseworker")
    assert b"Friday mornings" not in bytes(case.identity_sealed)
    assert AuditEntry.objects.filter(action="case.contact_plan_corrected", object_id=str(case.pk)).exists()
    page = client.get(url).content.decode()
    assert "Friday mornings at her aunt&#x27;s (example)." in page and "Her brother now checks her phone" in page


def test_a_change_without_a_reason_is_refused_and_nothing_changes(personas, login) -> None:
    case = assigned(personas)
    sealed = bytes(case.identity_sealed)
    response = login(personas.caseworker).post(
        f"/staff/cases/{case.reference}/contact-plan/", {**NEW_PLAN, "reason": ""}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert bytes(case.identity_sealed) == sealed
    assert not AuditEntry.objects.filter(action="case.contact_plan_corrected").exists()


def test_a_number_she_did_not_ask_us_to_call_is_refused(personas, login) -> None:
    case = assigned(personas)
    data = {**NEW_PLAN, "contact_phone": "0770 000 1234"}
    response = login(personas.caseworker).post(f"/staff/cases/{case.reference}/contact-plan/", data)
    assert response.status_code == 400
    assert in_arabic("Keep no number she did not ask us to call: leave this empty.") in response.content.decode()


def test_the_service_refuses_a_change_that_changes_nothing(personas) -> None:
    case = assigned(personas)
    keyring = keyring_of(personas.caseworker)
    current = selectors.open_identity(case, keyring=keyring)
    plan = {key: current.get(key, "") for key in services.CONTACT_PLAN}
    try:
        services.correct_contact_plan(
            case=case, plan=plan, how="verbal", reason="x", keyring=keyring, by=personas.caseworker
        )
    except services.StepRefused as refused:
        assert str(refused.message) == in_arabic("Nothing was changed.")
    else:
        raise AssertionError("an unchanged plan was saved")


def test_a_colleague_who_is_not_assigned_cannot_change_it(personas, login) -> None:
    from .conftest import colleague

    case = assigned(personas)
    other = colleague(personas, "caseworker.two", "caseworker")
    response = login(other).post(f"/staff/cases/{case.reference}/contact-plan/", NEW_PLAN)
    assert response.status_code in (403, 404)
    assert not AuditEntry.objects.filter(action="case.contact_plan_corrected").exists()
