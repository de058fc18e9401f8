from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from amana.audit.models import AuditEntry
from amana.evidence.models import ChatTimeline, MatchAlert, PerpetratorIndex
from amana.evidence.sample_exports import EXTORTIONIST_E164, Layout, conversation, whatsapp_zip

from .conftest import make_case

pytestmark = pytest.mark.django_db


def test_the_same_extortionist_is_matched_across_two_organisations_and_supervisors_learn_counts_only(
    personas, login
) -> None:
    """The issue's test: four ways of naming one man, in cases of two organisations."""
    first, _code = make_case(personas.ngo, perpetrator_phones=["0770 123 4567"], narrative="First story (example).")
    assert not MatchAlert.objects.exists()
    second, _code = make_case(
        personas.other_ngo, perpetrator_phones=["+964 770 123 4567"], narrative="Second story (example)."
    )
    third, _code = make_case(personas.ngo, perpetrator_phones=["٠٧٧٠١٢٣٤٥٦٧"], narrative="Third story (example).")
    # A fourth case names no one at intake; the number is found in her WhatsApp export.
    fourth, _code = make_case(personas.other_ngo, perpetrator_phones=[], perpetrator_accounts=[])
    other_supervisor = personas._member("other.supervisor", personas.other_ngo, "supervisor")
    other_caseworker = personas.outsider
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

    # Each supervisor is alerted about her own organisation's cases only, with the count of all four.
    ngo_alerts = MatchAlert.objects.filter(recipient=personas.supervisor)
    assert {alert.case_id for alert in ngo_alerts} == {first.pk, third.pk}
    assert {alert.case_count for alert in ngo_alerts} == {4}
    other_alerts = MatchAlert.objects.filter(recipient=other_supervisor)
    assert {alert.case_id for alert in other_alerts} == {second.pk, fourth.pk}
    assert not MatchAlert.objects.exclude(recipient__in=[personas.supervisor, other_supervisor]).exists()

    page = login(personas.supervisor).get("/staff/evidence/alerts/").content.decode()
    assert first.reference in page and third.reference in page and "4" in page
    # Nothing about the other organisation's cases: not their reference, story, or holder.
    for secret in (second.reference, fourth.reference, "Second story", personas.other_ngo.name, "770"):
        assert secret not in page
    other_page = login(other_supervisor).get("/staff/evidence/alerts/").content.decode()
    for secret in (first.reference, third.reference, "First story", personas.ngo.name):
        assert secret not in other_page
    # The audit log notes the match without any identifier.
    assert AuditEntry.objects.filter(action="evidence.repeat_identifier_found").exists()
    assert not AuditEntry.objects.filter(object_id__contains="770").exists()


def test_a_case_alone_with_its_identifier_alerts_no_one(personas) -> None:
    make_case(personas.ngo, perpetrator_phones=["0770 123 4567"], perpetrator_accounts=[])
    make_case(personas.ngo, perpetrator_phones=["0750 987 6543"], perpetrator_accounts=[])
    assert not MatchAlert.objects.exists()


def test_a_growing_count_marks_the_alert_unread_again(personas, login) -> None:
    make_case(personas.ngo, perpetrator_phones=[], perpetrator_accounts=["Instagram: @bad.actor.example"])
    make_case(
        personas.other_ngo, perpetrator_phones=[], perpetrator_accounts=["https://www.instagram.com/Bad.Actor.Example/"]
    )
    alert = MatchAlert.objects.get(recipient=personas.supervisor)
    assert alert.case_count == 2
    login(personas.supervisor).post("/staff/evidence/alerts/read/")
    alert.refresh_from_db()
    assert alert.read_at is not None
    make_case(personas.other_ngo, perpetrator_phones=[], perpetrator_accounts=["instagram.com/bad.actor.example"])
    alert.refresh_from_db()
    assert alert.case_count == 3 and alert.read_at is None


@pytest.mark.parametrize(
    "role", ["caseworker", "me_officer", "org_admin", "system_admin", "cpt_member", "liaison", "provider_staff"]
)
def test_only_supervisors_see_alerts(personas, login, role: str) -> None:
    client = login(getattr(personas, role))
    assert client.get("/staff/evidence/alerts/").status_code == 403
    assert client.post("/staff/evidence/alerts/read/").status_code == 403
