from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from amana.audit.models import AuditEntry
from amana.cases.models import Case
from amana.cases.services import assign_case
from amana.evidence.identifiers import IdentifierKind, normalise_phone
from amana.evidence.models import ChatTimeline, MatchAlert, PerpetratorIndex
from amana.evidence.sample_cases import bare_cases, index_cases
from amana.evidence.sample_exports import EXTORTIONIST_E164, Layout, conversation, whatsapp_zip
from amana.vault import services as vault

from .conftest import make_case

pytestmark = pytest.mark.django_db


def _label(kind: IdentifierKind) -> str:
    """The kind as the Arabic page (the default language) names it."""
    with translation.override("ar"):
        return str(kind.label)


def test_the_same_extortionist_is_matched_across_two_organisations_and_supervisors_learn_only_of_their_own_cases(
    personas, login
) -> None:
    """The issue's test: four ways of naming one man, in cases of two organisations."""
    other_supervisor = personas._member("other.supervisor", personas.other_ngo, "supervisor")
    first, _code = make_case(personas.ngo, perpetrator_phones=["0770 123 4567"], narrative="First story (example).")
    assert not MatchAlert.objects.exists()
    second, _code = make_case(
        personas.other_ngo, perpetrator_phones=["+964 770 123 4567"], narrative="Second story (example)."
    )
    third, _code = make_case(personas.ngo, perpetrator_phones=["٠٧٧٠١٢٣٤٥٦٧"], narrative="Third story (example).")
    # A fourth case names no one at intake; the number is found in her WhatsApp export.
    fourth, _code = make_case(personas.other_ngo, perpetrator_phones=[], perpetrator_accounts=[])
    other_caseworker = personas.outsider
    assign_case(case=fourth, caseworker=other_caseworker, by=other_supervisor)
    client = login(other_caseworker)
    export = whatsapp_zip(conversation(20), Layout(phone="android", language="ar"))
    client.post(f"/staff/evidence/{fourth.reference}/chats/", {"export": SimpleUploadedFile("chat.zip", export)})
    timeline = ChatTimeline.objects.get(case=fourth)
    client.post(
        f"/staff/evidence/{fourth.reference}/chats/{timeline.pk}/identifiers/",
        {"chosen": [f"phone:{EXTORTIONIST_E164}"]},
    )

    digests = set(PerpetratorIndex.objects.filter(kind="phone").values_list("blind_index", flat=True))
    assert len(digests) == 1  # one blind index for the four ways of writing the number
    assert PerpetratorIndex.objects.filter(blind_index__in=digests).values("case").distinct().count() == 4

    # One alert per pair of cases, about the case each supervisor's organisation holds; within one
    # organisation the pair is one alert, about the newer case.
    ngo_alerts = MatchAlert.objects.filter(recipient=personas.supervisor)
    assert sorted((a.case_id, a.other_case_id) for a in ngo_alerts) == sorted(
        [
            (first.pk, second.pk),
            (third.pk, first.pk),
            (third.pk, second.pk),
            (first.pk, fourth.pk),
            (third.pk, fourth.pk),
        ]
    )
    other_alerts = MatchAlert.objects.filter(recipient=other_supervisor)
    assert sorted((a.case_id, a.other_case_id) for a in other_alerts) == sorted(
        [
            (second.pk, first.pk),
            (second.pk, third.pk),
            (fourth.pk, second.pk),
            (fourth.pk, first.pk),
            (fourth.pk, third.pk),
        ]
    )
    assert not MatchAlert.objects.exclude(recipient__in=[personas.supervisor, other_supervisor]).exists()

    page = login(personas.supervisor).get("/staff/evidence/alerts/").content.decode()
    assert first.reference in page and third.reference in page
    assert _label(IdentifierKind.PHONE) in page  # which kind of identifier matched
    # The pair held by one organisation names and links the other case.
    assert f'href="/staff/cases/{first.reference}/"' in page
    # Nothing about the other organisation's cases: not their reference, story, or holder.
    for secret in (second.reference, fourth.reference, "Second story", personas.other_ngo.name, "123 4567", "1234567"):
        assert secret not in page
    other_page = login(other_supervisor).get("/staff/evidence/alerts/").content.decode()
    assert f'href="/staff/cases/{second.reference}/"' in other_page
    for secret in (first.reference, third.reference, "First story", personas.ngo.name):
        assert secret not in other_page
    # The audit log notes the match without any identifier.
    assert AuditEntry.objects.filter(action="evidence.repeat_identifier_found").exists()
    # (Its digits, not a shorter piece of them that a random identifier may hold by chance.)
    for digits in ("1234567", "123 4567", "١٢٣٤٥٦٧"):
        assert not AuditEntry.objects.filter(object_id__contains=digits).exists()


def test_a_case_alone_with_its_identifier_alerts_no_one(personas) -> None:
    make_case(personas.ngo, perpetrator_phones=["0770 123 4567"], perpetrator_accounts=[])
    make_case(personas.ngo, perpetrator_phones=["0750 987 6543"], perpetrator_accounts=[])
    assert not MatchAlert.objects.exists()


def test_two_cases_sharing_several_identifiers_make_one_alert_that_names_each_kind(personas, login) -> None:
    make_case(
        personas.ngo, perpetrator_phones=["0770 123 4567"], perpetrator_accounts=["Instagram: @bad.actor.example"]
    )
    make_case(
        personas.other_ngo,
        perpetrator_phones=["+964 770 123 4567"],
        perpetrator_accounts=["https://www.instagram.com/Bad.Actor.Example/"],
    )
    alert = MatchAlert.objects.get(recipient=personas.supervisor)
    page = login(personas.supervisor).get("/staff/evidence/alerts/").content.decode()
    assert _label(IdentifierKind.PHONE) in page and _label(IdentifierKind.INSTAGRAM) in page
    assert alert.read_at is None
    login(personas.supervisor).post("/staff/evidence/alerts/read/")
    alert.refresh_from_db()
    assert alert.read_at is not None
    # A third case naming him makes new pairs: a new, unread alert.
    make_case(personas.other_ngo, perpetrator_phones=[], perpetrator_accounts=["instagram.com/bad.actor.example"])
    assert MatchAlert.objects.filter(recipient=personas.supervisor).unread().count() == 1
    assert MatchAlert.objects.filter(recipient=personas.supervisor).count() == 2


def _report_queries(organisation, number: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        make_case(organisation, perpetrator_phones=[number], perpetrator_accounts=[])
    return len(captured.captured_queries)


def test_a_report_naming_a_number_in_200_cases_runs_as_many_queries_as_one_naming_a_new_number(personas) -> None:
    known = normalise_phone("0770 123 4567")
    holders = bare_cases(personas.ngo.pk, 100, prefix="H") + bare_cases(personas.other_ngo.pk, 100, prefix="J")
    index_cases(holders, vault.blind_index(known.kind, known.value))
    personas._member("other.supervisor", personas.other_ngo, "supervisor")
    make_case(personas.ngo, perpetrator_phones=["0750 111 2222"], perpetrator_accounts=[])  # first use of each table
    entries = AuditEntry.objects.count()

    new_number = _report_queries(personas.ngo, "0780 333 4444")
    in_200_cases = _report_queries(personas.ngo, "0770 123 4567")

    assert in_200_cases == new_number
    # Every pair is alerted: her organisation about the new case (200 pairs), the other about its 100.
    newest = Case.objects.order_by("-pk").first()
    assert MatchAlert.objects.filter(case=newest).count() == 200
    assert MatchAlert.objects.filter(other_case=newest, organisation=personas.other_ngo).count() == 100
    # One audit entry per report for its identifiers, never one per alerted case.
    found = AuditEntry.objects.order_by("seq")[entries:]
    actions = [entry.action for entry in found]
    assert actions.count("evidence.repeat_identifier_found") == 1
    assert actions.count("evidence.identifiers_indexed") == 1


@pytest.mark.parametrize(
    "role", ["caseworker", "me_officer", "org_admin", "system_admin", "cpt_member", "liaison", "provider_staff"]
)
def test_only_supervisors_see_alerts(personas, login, role: str) -> None:
    client = login(getattr(personas, role))
    assert client.get("/staff/evidence/alerts/").status_code == 403
    assert client.post("/staff/evidence/alerts/read/").status_code == 403
