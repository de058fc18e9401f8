"""Consent she gives a caseworker or supervisor in person, by phone or on a signed form: recorded,
audited, obeyed by referrals and keys exactly as her own change with her code is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases import services
from amana.cases.models import Consent, ConsentRecord, Status
from amana.cases.selectors import open_incident
from amana.directory.models import Service, ServiceKind
from amana.referrals.models import Referral, ReferralGrant
from amana.referrals.models import Status as ReferralStatus
from amana.referrals.tests.conftest import keyring, refer
from amana.vault.services import NoKey

from .conftest import assigned_case

pytestmark = pytest.mark.django_db
WITNESS = "Huda (example), protection officer"


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _record(client: Client, case: Any, given: list[str], **changes: Any) -> Any:
    data = {
        "consents": given,
        "how": "in_person",
        "given_at": _now(),
        "witness": WITNESS,
        "based_on": services.latest_consent_record_id(case),
        **changes,
    }
    return client.post(f"/staff/cases/{case.reference}/consent/", data)


def _refer(client: Client, case: Any, service: Any, *, pathway: str = "liaison", compartments: Any = None) -> Any:
    return client.post(
        f"/staff/referrals/new/{case.reference}/",
        {
            "pathway": pathway,
            "service": service.pk,
            "compartments": compartments or ["incident", "evidence"],
            "purpose": "Find the account that threatens her (example).",
            "consent_given": "verbal",
            "consent_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )


def _given(case: Any) -> set[str]:
    return {f"{c.audience}.{c.scope}" for c in Consent.objects.filter(case=case, given=True)}


def test_a_referral_she_asked_for_in_person_is_allowed_once_her_consent_is_recorded(personas, login) -> None:
    police = Service.objects.create(name="Police unit (example)", kind=ServiceKind.POLICE, organisation=personas.police)
    case, _code = assigned_case(personas, consents=[])
    ngo = login(personas.caseworker)
    ngo.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = _refer(ngo, case, police)
    assert refused.status_code == 400 and "Her choices do not allow" in refused.content.decode()

    response = _record(ngo, case, ["authorities.incident"])
    assert response.status_code == 302
    assert _given(case) == {"authorities.incident"}
    assert _refer(ngo, case, police).status_code == 302
    assert Referral.objects.get(case=case).status == ReferralStatus.SENT

    made = ConsentRecord.objects.get(case=case)
    assert (made.how, made.recorded_by, made.recorded_as, made.has_witness) == (
        "in_person",
        personas.caseworker,
        "caseworker",
        True,
    )
    assert WITNESS.encode() not in bytes(made.details_sealed)  # sealed in the care locker
    entry = AuditEntry.objects.get(action="case.consent_recorded")
    assert entry.actor_id == personas.caseworker.pk and WITNESS not in str(entry.__dict__)
    # The page shows who recorded it, how, and the witness, opened with the caseworker's key.
    page = ngo.get(f"/staff/cases/{case.reference}/consent/").content.decode()
    assert "recorded by caseworker" in page and "In person" in page and WITNESS in page


def test_withdrawing_through_staff_revokes_grants_as_her_own_withdrawal_does(personas, login) -> None:
    case, _code = assigned_case(personas)  # she allowed the authorities to know what happened
    referral = refer(personas, case)
    assert open_incident(case, keyring=keyring(personas.liaison))
    supervisor = login(personas.supervisor)
    assert _record(supervisor, case, [], how="phone", witness="").status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert set(ReferralGrant.objects.filter(referral=referral).values_list("revoked_because", flat=True)) == {
        "survivor"
    }
    with pytest.raises(NoKey):
        open_incident(case, keyring=keyring(personas.liaison))
    made = ConsentRecord.objects.get(case=case)
    assert made.given == [] and made.recorded_as == "supervisor" and not made.has_witness


def test_consent_recorded_with_her_confirms_what_an_emergency_override_shared(personas, login) -> None:
    from amana.referrals import services as referrals
    from amana.referrals.tests.conftest import refer_in_emergency

    case, _code = assigned_case(personas)
    referral = refer_in_emergency(personas, case)
    assert (
        _record(login(personas.caseworker), case, ["authorities.incident", "authorities.identity"]).status_code == 302
    )
    later = timezone.now() + timedelta(hours=settings.AMANA_OVERRIDE_HOURS + 1)
    assert referrals.end_override(referral=referral, now=later) == 0
    assert set(referral.grants.filter(revoked_at__isnull=True).values_list("compartment", flat=True)) == {
        "identity",
        "incident",
    }


# Bad input -----------------------------------------------------------------------------------


def test_a_form_for_a_closed_case_is_refused_with_a_message(personas, login) -> None:
    case, _code = assigned_case(personas, consents=[])
    services.set_status(case=case, status=Status.CLOSED, by=personas.supervisor)
    client = login(personas.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _record(client, case, ["authorities.incident"])
    assert response.status_code == 400
    assert "This case is closed. A supervisor can reopen it." in response.content.decode()
    assert _given(case) == set() and not ConsentRecord.objects.exists()


def test_a_stale_form_is_refused_and_shown_again_with_what_was_typed(personas, login, client) -> None:
    case, _code = assigned_case(personas, consents=[])
    staff = login(personas.caseworker)
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    opened_on = services.latest_consent_record_id(case)
    # Meanwhile she changes her choices herself with her code.
    services.set_consents(case=case, given=[("services", "incident")], by=None)
    response = _record(staff, case, ["authorities.incident"], based_on=opened_on)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Her choices were recorded again while this form was open" in page
    assert WITNESS in page  # what was typed is kept
    assert _given(case) == {"services.incident"}
    # The form shown again is based on her latest choices: sending it now records them.
    assert _record(staff, case, ["authorities.incident"]).status_code == 302
    assert _given(case) == {"authorities.incident"}


def test_a_replayed_form_changes_nothing_twice(personas, login) -> None:
    case, _code = assigned_case(personas, consents=[])
    staff = login(personas.caseworker)
    based_on = services.latest_consent_record_id(case)
    assert _record(staff, case, ["authorities.incident"], based_on=based_on).status_code == 302
    services.set_consents(case=case, given=[], by=None)
    assert _record(staff, case, ["authorities.incident"], based_on=based_on).status_code == 400
    assert _given(case) == set()
    assert ConsentRecord.objects.filter(case=case, recorded_by__isnull=False).count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"how": "site"},  # only she changes them on the site
        {"how": "smoke signal"},
        {"given_at": "yesterday-ish"},
        {"given_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
        {"consents": ["authorities.everything"]},
        {"based_on": "x"},
        {"witness": "w" * 201},
    ],
)
def test_a_malformed_form_is_explained_and_saves_nothing(personas, login, changes) -> None:
    case, _code = assigned_case(personas, consents=[])
    response = _record(login(personas.caseworker), case, ["authorities.incident"], **changes)
    assert response.status_code == 400
    assert _given(case) == set() and not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("me_officer", 403), ("liaison", 403), ("cpt_member", 403), ("outsider", 404)]
)
def test_only_those_who_act_on_the_case_record_her_consent(personas, login, who, status) -> None:
    case, _code = assigned_case(personas, consents=[])
    client = login(getattr(personas, who))
    assert client.get(f"/staff/cases/{case.reference}/consent/").status_code == status
    assert _record(client, case, ["authorities.identity"]).status_code == status
    assert _given(case) == set()


# Children ------------------------------------------------------------------------------------


def _child(personas: Any, band: str) -> Any:
    case, _code = assigned_case(personas, consents=[], age_band=band)
    return case


REFUSED, RECORDED = 400, 302


@pytest.mark.parametrize(
    ("band", "child", "expected", "says"),
    [
        # Under 12: her caregiver consents; another adult is not enough.
        (
            "under_15",
            {"child_age": "under_12", "child_agreement": "not_able", "adult_consent": "caregiver"},
            RECORDED,
            "",
        ),
        (
            "under_15",
            {
                "child_age": "under_12",
                "child_agreement": "assent",
                "adult_consent": "trusted_adult",
                "caregiver_left_out_because": "Her father is the extortionist's friend (example).",
            },
            REFUSED,
            "Under 12, her caregiver",
        ),
        # 12 to 14: her assent, and her caregiver or, where that is not safe, another trusted adult.
        (
            "under_15",
            {"child_age": "12_14", "child_agreement": "not_able", "adult_consent": "caregiver"},
            REFUSED,
            "From 12",
        ),
        (
            "under_15",
            {
                "child_age": "12_14",
                "child_agreement": "assent",
                "adult_consent": "none",
                "caregiver_left_out_because": "Not safe (example).",
            },
            REFUSED,
            "Her assent is not enough alone",
        ),
        (
            "under_15",
            {"child_age": "12_14", "child_agreement": "assent", "adult_consent": "trusted_adult"},
            REFUSED,
            "Say why involving her caregiver is not safe",
        ),
        (
            "under_15",
            {
                "child_age": "12_14",
                "child_agreement": "assent",
                "adult_consent": "trusted_adult",
                "caregiver_left_out_because": "Her brother checks her phone (example).",
            },
            RECORDED,
            "",
        ),
        # 15 to 17: her own informed consent; the caregiver left out only with a reason.
        (
            "15_17",
            {
                "child_age": "15_17",
                "child_agreement": "consent",
                "adult_consent": "none",
                "caregiver_left_out_because": "Her family would punish her (example).",
            },
            RECORDED,
            "",
        ),
        (
            "15_17",
            {"child_age": "15_17", "child_agreement": "consent", "adult_consent": "none"},
            REFUSED,
            "Say why involving her caregiver is not safe",
        ),
        (
            "15_17",
            {
                "child_age": "15_17",
                "child_agreement": "assent",
                "adult_consent": "none",
                "caregiver_left_out_because": "x",
            },
            REFUSED,
            "Her assent is not enough alone",
        ),
        # The age must fit the case's age band; and someone must say how old she is.
        ("15_17", {"child_age": "under_12", "child_agreement": "assent", "adult_consent": "caregiver"}, REFUSED, ""),
        ("under_15", {}, REFUSED, "Say how old she is"),
    ],
)
def test_a_childs_consent_needs_the_people_her_age_asks_for(personas, login, band, child, expected, says) -> None:
    case = _child(personas, band)
    client = login(personas.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _record(client, case, ["services.incident"], **child)
    assert response.status_code == expected
    if expected == RECORDED:
        made = ConsentRecord.objects.get(case=case)
        assert (made.child_age, made.child_agreement, made.adult_consent) == (
            child["child_age"],
            child["child_agreement"],
            child["adult_consent"],
        )
        assert _given(case) == {"services.incident"}
        reason = child.get("caregiver_left_out_because")
        if reason:
            assert reason.encode() not in bytes(made.details_sealed)
            assert reason in client.get(f"/staff/cases/{case.reference}/consent/").content.decode()
    else:
        assert says in response.content.decode()
        assert _given(case) == set() and not ConsentRecord.objects.exists()


def test_a_child_withdraws_everything_without_an_adult(personas, login) -> None:
    case, _code = assigned_case(personas, age_band="under_15")  # her report allowed the authorities
    assert _record(login(personas.caseworker), case, [], how="phone").status_code == 302
    assert _given(case) == set()


def test_the_form_asks_who_agreed_only_for_a_child(personas, login) -> None:
    adult, _code = assigned_case(personas)
    child = _child(personas, "15_17")
    client = login(personas.caseworker)
    assert 'name="adult_consent"' not in client.get(f"/staff/cases/{adult.reference}/consent/").content.decode()
    page = client.get(f"/staff/cases/{child.reference}/consent/").content.decode()
    assert 'name="adult_consent"' in page and 'value="15_17"' in page and 'value="under_12"' not in page
