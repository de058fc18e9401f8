"""She changes her safe-contact plan herself, with her code, on her follow-up page: sealed to her
identity, audited, seen by her caseworker; under the duress code the page answers the same and
nothing real changes."""

from __future__ import annotations

import pytest
from django.test import Client

from amana.audit.models import AuditEntry
from amana.cases import selectors, services
from amana.cases.models import ContactPlanChange
from amana.cases.tests.conftest import keyring_of
from amana.channel.services import format_code

from .conftest import make_case
from .test_follow_up import _enter, _main_text, _make_second_code

pytestmark = pytest.mark.django_db
NEW_PLAN = {
    "contact_methods": ["whatsapp"],
    "contact_phone": "0751 000 0000",
    "safe_times": "Tuesday afternoons (example)",
    "if_someone_else_answers": "Say it is the tailor (example).",
}
SAVED = "How we may contact you was saved. Your caseworker follows it from now on."


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _assigned(personas):
    case, code = make_case(personas.ngo)
    services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    return case, code


def test_she_changes_her_plan_and_her_caseworker_sees_it(personas, login) -> None:
    case, code = _assigned(personas)
    her = _english(Client())
    _enter(her, format_code(code))
    page = her.get("/continue/page/").content.decode()
    # Her earlier plan is not shown back to whoever holds the phone.
    assert "Mornings (example)" not in page and "0750 000 0000" not in page
    response = her.post("/continue/reach/", NEW_PLAN, follow=True)
    assert SAVED in response.content.decode()
    assert "Tuesday afternoons (example)" not in response.content.decode()

    # Sealed, never stored readably; recorded in the audit log without its content.
    change = ContactPlanChange.objects.get(case=case)
    assert b"Tuesday" not in bytes(change.plan_sealed) and b"0751" not in bytes(change.plan_sealed)
    entry = AuditEntry.objects.get(action="case.contact_plan_changed_by_her")
    assert entry.actor_id is None and entry.object_id == str(case.pk)

    identity = selectors.open_identity(case, keyring=keyring_of(personas.caseworker))
    assert identity["contact_methods"] == ["whatsapp"] and identity["contact_phone"] == "0751 000 0000"
    assert identity["name"] == "Noor (example)"
    staff = _english(login(personas.caseworker))
    for url in (f"/staff/cases/{case.reference}/", f"/staff/cases/{case.reference}/contact-plan/"):
        shown = staff.get(url).content.decode()
        assert "She changed her safe-contact plan herself on the site, with her code" in shown
        assert "Tuesday afternoons (example)" in shown and "0751 000 0000" in shown


def test_her_caseworker_changing_the_plan_later_replaces_hers_and_keeps_it_as_earlier(personas, login) -> None:
    case, code = _assigned(personas)
    her = Client()
    _enter(her, format_code(code))
    her.post("/continue/reach/", NEW_PLAN)
    staff = _english(login(personas.caseworker))
    url = f"/staff/cases/{case.reference}/contact-plan/"
    corrected = {**NEW_PLAN, "contact_methods": ["site_only"], "contact_phone": "", "how": "verbal", "reason": "x"}
    assert staff.post(url, corrected).status_code == 302
    case.refresh_from_db()
    identity = selectors.open_identity(case, keyring=keyring_of(personas.caseworker))
    assert identity["contact_methods"] == ["site_only"] and "plan_changed_by_her_at" not in identity
    # The plan the caseworker replaced was hers, kept with the reason.
    assert identity["contact_plan_history"][-1]["previous"]["contact_methods"] == ["whatsapp"]
    page = staff.get(url).content.decode()
    assert "She changed her safe-contact plan herself" not in page
    assert "Plans she chose on the site" in page


def test_a_plan_that_does_not_hold_together_is_explained_and_nothing_changes(personas) -> None:
    _case, code = _assigned(personas)
    her = _english(Client())
    _enter(her, format_code(code))
    for plan in (
        {**NEW_PLAN, "contact_methods": []},
        {**NEW_PLAN, "contact_phone": ""},
        {**NEW_PLAN, "contact_phone": "not a number"},
        {**NEW_PLAN, "contact_methods": ["site_only", "call"]},
        {**NEW_PLAN, "contact_methods": ["carrier_pigeon"]},
    ):
        response = her.post("/continue/reach/", plan)
        assert response.status_code == 400
        assert 'class="errorlist' in response.content.decode()
    assert not ContactPlanChange.objects.exists()


def test_only_a_visit_opened_with_her_code_can_change_it(personas) -> None:
    make_case(personas.ngo)
    response = Client().post("/continue/reach/", NEW_PLAN)
    assert response["Location"] == "/"
    assert not ContactPlanChange.objects.exists()


def test_under_the_duress_code_the_page_answers_the_same_and_nothing_changes(personas) -> None:
    # Compared with a real new case, as the other duress tests do (no sharing chosen in either).
    case, code = make_case(personas.ngo, consents=[])
    duress_code = _make_second_code(format_code(code))
    _new_case, new_code = make_case(personas.ngo, consents=[])
    real, forced = Client(), Client()
    _enter(real, format_code(new_code))
    _enter(forced, duress_code)
    for visitor in (forced, real):
        assert visitor.post("/continue/reach/", NEW_PLAN)["Location"] == "/continue/page/"
    assert _main_text(forced.get("/continue/page/").content.decode()) == _main_text(
        real.get("/continue/page/").content.decode()
    )
    for visitor in (forced, real):
        response = visitor.post("/continue/reach/", {**NEW_PLAN, "contact_phone": ""})
        assert response.status_code == 400
    assert _main_text(response.content.decode()) == _main_text(
        forced.post("/continue/reach/", {**NEW_PLAN, "contact_phone": ""}).content.decode()
    )
    # Her real plan stands.
    assert not ContactPlanChange.objects.filter(case=case).exists()
    assert selectors.open_identity(case, keyring=keyring_of(personas.caseworker))["contact_methods"] == ["call"]
    assert not AuditEntry.objects.filter(action="case.contact_plan_changed_by_her", object_id=str(case.pk)).exists()
