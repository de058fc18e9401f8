"""Children's cases: flagged in the queue and on the case page, and listed apart by the queue's filter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from amana.audit.models import AuditEntry
from amana.cases import services
from amana.cases.models import Case, MandatoryReporting, Safeguarding, Status
from amana.directory.models import Service, ServiceKind
from amana.referrals import services as referrals
from amana.referrals.models import Referral
from amana.referrals.tests.conftest import keyring

from .conftest import assigned_case, make_case

pytestmark = pytest.mark.django_db


def _arabic(text: str) -> str:
    with translation.override("ar"):
        return _(text)


CHILD_FLAG = "Child (under 18)"


def test_a_case_under_18_is_flagged_in_the_queue_and_on_its_page(personas, login) -> None:
    girl, _code = assigned_case(personas, age_band="15_17")
    woman, _code = assigned_case(personas, age_band="25_34")
    supervisor = login(personas.supervisor)
    queue = supervisor.get("/staff/cases/").content.decode()
    flag = f'<li class="flag flag--child">{_arabic(CHILD_FLAG)}</li>'
    rows = {case.reference: queue[queue.index(case.reference) :].split("</tr>")[0] for case in (girl, woman)}
    assert flag in rows[girl.reference] and flag not in rows[woman.reference]
    assert flag in supervisor.get(f"/staff/cases/{girl.reference}/").content.decode()
    assert flag not in supervisor.get(f"/staff/cases/{woman.reference}/").content.decode()


@pytest.mark.parametrize("age_band", ["under_15", "15_17"])
def test_the_age_band_makes_the_stored_child_column(personas, age_band: str) -> None:
    case, _code = make_case(personas.ngo, age_band=age_band)
    adult, _code = make_case(personas.ngo, age_band="18_24")
    unsaid, _code = make_case(personas.ngo, age_band="not_said")
    assert set(Case.objects.filter(is_child=True).values_list("pk", flat=True)) == {case.pk}
    assert {adult.pk, unsaid.pk} <= set(Case.objects.filter(is_child=False).values_list("pk", flat=True))


def test_the_queue_filter_lists_only_children_and_keeps_to_the_chosen_list(personas, login) -> None:
    girl, _code = make_case(personas.ngo, age_band="under_15")
    mine, _code = assigned_case(personas, age_band="15_17")
    woman, _code = make_case(personas.ngo, age_band="18_24")
    supervisor = login(personas.supervisor)
    children = supervisor.get("/staff/cases/?view=open&children=1").content.decode()
    assert girl.reference in children and mine.reference in children and woman.reference not in children
    assert 'href="?view=new&amp;children=1"' in children  # the other lists keep the filter
    new = supervisor.get("/staff/cases/?view=new&children=1").content.decode()
    assert girl.reference in new and mine.reference not in new and woman.reference not in new
    everyone = supervisor.get("/staff/cases/?view=open").content.decode()
    assert woman.reference in everyone and girl.reference in everyone


def test_the_children_filter_pages_keep_the_filter(personas, login) -> None:
    for _number in range(26):
        make_case(personas.ngo, age_band="15_17")
    make_case(personas.ngo, age_band="18_24")
    supervisor = login(personas.supervisor)
    first = supervisor.get("/staff/cases/?view=open&children=1").content.decode()
    assert "?view=open&amp;children=1&amp;after=" in first
    cursor = first.split("children=1&amp;after=")[1].split('"')[0]
    second = supervisor.get(f"/staff/cases/?view=open&children=1&after={cursor}")
    assert second.status_code == 200
    assert second.content.decode().count("flag--child") == 1


@pytest.mark.parametrize("value", ["yes", "<script>", "1' OR 1=1"])
def test_an_odd_filter_value_shows_every_age(personas, login, value: str) -> None:
    woman, _code = make_case(personas.ngo, age_band="18_24")
    response = login(personas.supervisor).get("/staff/cases/", {"children": value})
    assert response.status_code == 200 and woman.reference in response.content.decode()


SAFEGUARDING = {
    "best_interest": "She wants her aunt told, not her father (example).",
    "guardian_involvement": "trusted_adult",
    "guardian_reason": "Her father threatened her over the phone (example).",
    "child_referral": "checked",
}


def test_a_girls_case_has_a_safeguarding_step_recorded_sealed(personas, login) -> None:
    girl, _code = assigned_case(personas, age_band="under_15")
    caseworker = login(personas.caseworker)
    url = f"/staff/cases/{girl.reference}/safeguarding/"
    assert f'href="{url}"' in caseworker.get(f"/staff/cases/{girl.reference}/").content.decode()
    assert _arabic("The safeguarding step has not been recorded yet.") in caseworker.get(url).content.decode()
    response = caseworker.post(url, SAFEGUARDING, follow=True)
    page = response.content.decode()
    assert _arabic("The safeguarding step was recorded.") in page
    assert SAFEGUARDING["best_interest"] in page and SAFEGUARDING["guardian_reason"] in page
    record = Safeguarding.objects.get(case=girl)
    assert record.guardian_involvement == "trusted_adult" and record.child_referral == "checked"
    assert b"aunt" not in bytes(record.details_sealed) and b"father" not in bytes(record.details_sealed)
    assert AuditEntry.objects.filter(action="case.safeguarding_recorded", object_id=str(girl.pk)).exists()


def test_an_adults_case_shows_no_safeguarding_step_and_refuses_one(personas, login) -> None:
    woman, _code = assigned_case(personas, age_band="18_24")
    caseworker = login(personas.caseworker)
    url = f"/staff/cases/{woman.reference}/safeguarding/"
    assert f'href="{url}"' not in caseworker.get(f"/staff/cases/{woman.reference}/").content.decode()
    response = caseworker.post(url, SAFEGUARDING, follow=True)
    assert response.status_code == 200
    assert _arabic("This case is not of a girl under 18, so it has no safeguarding step.") in response.content.decode()
    assert not Safeguarding.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"guardian_reason": ""},
        {"best_interest": "   "},
        {"guardian_involvement": "father"},
        {"child_referral": ""},
        {"best_interest": "x" * 3001},
    ],
)
def test_an_incomplete_safeguarding_step_is_explained_and_saves_nothing(personas, login, bad) -> None:
    girl, _code = assigned_case(personas, age_band="15_17")
    response = login(personas.caseworker).post(f"/staff/cases/{girl.reference}/safeguarding/", {**SAFEGUARDING, **bad})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not Safeguarding.objects.exists()


def test_a_closed_girls_case_takes_no_safeguarding_step(personas, login) -> None:
    girl, _code = assigned_case(personas, age_band="15_17")
    services.set_status(case=girl, status=Status.CLOSED, by=personas.supervisor)
    response = login(personas.caseworker).post(
        f"/staff/cases/{girl.reference}/safeguarding/", SAFEGUARDING, follow=True
    )
    assert _arabic("This case is closed. A supervisor can reopen it.") in response.content.decode()
    assert not Safeguarding.objects.exists()


def test_the_me_officer_never_reaches_the_safeguarding_step(personas, login) -> None:
    girl, _code = assigned_case(personas, age_band="15_17")
    client = login(personas.me_officer)
    assert client.get(f"/staff/cases/{girl.reference}/safeguarding/").status_code == 403
    assert client.post(f"/staff/cases/{girl.reference}/safeguarding/", SAFEGUARDING).status_code == 403
    assert not Safeguarding.objects.exists()


# Mandatory reporting, decided by a supervisor ------------------------------------------------

REPORTING = {"part": "reporting", "decision": "not_report", "reason": "Her uncle would learn of it (example)."}


def test_a_supervisor_decides_on_mandatory_reporting_sealed_and_audited(personas, login) -> None:
    girl, _code = assigned_case(personas, age_band="under_15")
    url = f"/staff/cases/{girl.reference}/safeguarding/"
    supervisor = login(personas.supervisor)
    page = supervisor.get(url).content.decode()
    assert _arabic("No supervisor has decided on mandatory reporting yet.") in page and 'value="reporting"' in page
    page = supervisor.post(url, REPORTING, follow=True).content.decode()
    assert _arabic("The decision on mandatory reporting was recorded.") in page and "uncle" in page
    decided = MandatoryReporting.objects.get(case=girl)
    assert decided.decision == "not_report" and decided.decided_by == personas.supervisor
    assert b"uncle" not in bytes(decided.reason_sealed)
    assert AuditEntry.objects.filter(action="case.mandatory_reporting_decided", object_id=str(girl.pk)).exists()
    # The caseworker reads the decision, and is not offered the form.
    page = login(personas.caseworker).get(url).content.decode()
    assert "uncle" in page and 'value="reporting"' not in page


def test_a_caseworker_cannot_decide_on_mandatory_reporting(personas, login) -> None:
    girl, _code = assigned_case(personas, age_band="15_17")
    url = f"/staff/cases/{girl.reference}/safeguarding/"
    assert login(personas.caseworker).post(url, REPORTING).status_code == 403
    assert login(personas.me_officer).post(url, REPORTING).status_code == 403
    assert not MandatoryReporting.objects.exists()


@pytest.mark.parametrize("bad", [{"reason": " "}, {"decision": "maybe"}, {"decision": ""}])
def test_an_incomplete_reporting_decision_is_explained_and_saves_nothing(personas, login, bad) -> None:
    girl, _code = assigned_case(personas, age_band="15_17")
    response = login(personas.supervisor).post(f"/staff/cases/{girl.reference}/safeguarding/", {**REPORTING, **bad})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not MandatoryReporting.objects.exists()


def test_an_adults_case_takes_no_reporting_decision(personas, login) -> None:
    woman, _code = assigned_case(personas, age_band="18_24")
    response = login(personas.supervisor).post(f"/staff/cases/{woman.reference}/safeguarding/", REPORTING, follow=True)
    assert _arabic("This case is not of a girl under 18, so it has no safeguarding step.") in response.content.decode()
    assert not MandatoryReporting.objects.exists()


def test_closing_a_girls_case_waits_for_the_reporting_decision(personas, login) -> None:
    girl, _code = assigned_case(personas, age_band="15_17")
    services.record_safeguarding(
        case=girl,
        decision=services.SafeguardingDecision(
            best_interest="Her aunt beside her (example).",
            guardian_involvement="trusted_adult",
            guardian_reason="Her father is not safe for her (example).",
            child_referral="checked",
        ),
        by=personas.caseworker,
    )
    closure = f"/staff/cases/{girl.reference}/closure/"
    page = login(personas.caseworker).get(closure).content.decode()
    assert _arabic("A supervisor has not yet decided on mandatory reporting.") in page
    login(personas.supervisor).post(f"/staff/cases/{girl.reference}/safeguarding/", REPORTING)
    page = login(personas.caseworker).get(closure).content.decode()
    assert escape(_arabic("Recorded, with a supervisor's decision on mandatory reporting.")) in page


# Referrals only to services that take children -----------------------------------------------


def test_a_girls_case_is_referred_only_to_services_that_take_children(personas, login) -> None:
    adults_only = Service.objects.create(
        name="Women's shelter, adults only (example)",
        kind=ServiceKind.PSYCHOSOCIAL,
        organisation=personas.provider,
        accepts_children=False,
    )
    for_children = Service.objects.create(
        name="Child protection unit (example)", kind=ServiceKind.PSYCHOSOCIAL, organisation=personas.provider
    )
    girl, _code = assigned_case(personas, age_band="15_17", consents=["services.incident"])
    woman, _code = assigned_case(personas, age_band="25_34", consents=["services.incident"])
    client = login(personas.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = client.get(f"/staff/referrals/new/{girl.reference}/").content.decode()
    assert "Child protection unit (example)" in form and "adults only (example)" not in form
    assert "adults only (example)" in client.get(f"/staff/referrals/new/{woman.reference}/").content.decode()

    def refer(case, service):
        return client.post(
            f"/staff/referrals/new/{case.reference}/",
            {
                "pathway": "service",
                "service": service.pk,
                "service_type": "psychosocial",
                "compartments": ["incident"],
                "purpose": "Support after the threats (example).",
                "consent_given": "verbal",
                "consent_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
            },
        )

    refused = refer(girl, adults_only)
    assert refused.status_code == 400 and "Choose one of the listed services." in refused.content.decode()
    assert not Referral.objects.exists()
    # The rule holds below the form too.
    with translation.override("en"), pytest.raises(referrals.ReferralRefused, match="does not take children"):
        referrals.create_referral(
            case=girl,
            organisation=personas.provider,
            pathway="service",
            compartments=["incident"],
            purpose="Support (example).",
            consent_given="verbal",
            consent_until=timezone.localdate() + timedelta(days=30),
            by=personas.caseworker,
            keyring=keyring(personas.caseworker),
            service=adults_only,
            service_type="psychosocial",
        )
    assert not Referral.objects.exists()
    assert refer(girl, for_children).status_code == 302
    assert refer(woman, adults_only).status_code == 302
    assert Referral.objects.count() == 2

    # The directory says it.
    directory = client.get("/staff/directory/").content.decode()
    assert "Adults only: never referred a child" in directory
