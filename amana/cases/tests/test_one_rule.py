"""One rule for acting on a case, in every view that touches one: the assigned caseworker and the
organisation's supervisors act; anyone else finds nothing (404); a supervisor acting on a case not
assigned to her is audited as such. The full role-by-URL table is amana/core/tests/test_url_matrix.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases.models import Sender
from amana.cases.services import add_evidence
from amana.directory.models import Service, ServiceKind
from amana.evidence.models import ChatTimeline, EvidenceItem
from amana.evidence.sample_exports import Layout, conversation, whatsapp_zip
from amana.referrals.models import Referral
from amana.referrals.services import ask
from amana.referrals.tests.conftest import refer
from amana.vault import services as vault

from .conftest import assigned_case

pytestmark = pytest.mark.django_db


def test_an_unassigned_colleague_is_refused_every_case_action_and_nothing_changes(
    personas, login, other_caseworker
) -> None:
    case, _code = assigned_case(personas)
    add_evidence(case=case, files=[SimpleUploadedFile("x.png", b"\x89PNG example")], sender=Sender.SURVIVOR)
    referral = refer(personas, case)
    question = ask(referral=referral, by=personas.liaison, text="Did he call her family (example)?")
    security = Service.objects.create(
        name="Security unit (example)", kind=ServiceKind.POLICE, organisation=personas.police
    )
    client = login(other_caseworker)
    ref = case.reference
    export = whatsapp_zip(conversation(5), Layout(phone="android", language="ar"))
    tries = [
        (
            f"/staff/referrals/new/{ref}/",
            {
                "pathway": "liaison",
                "service": security.pk,
                "compartments": ["incident"],
                "purpose": "x",
                "consent_given": "verbal",
                "consent_until": (timezone.localdate() + timedelta(days=5)).isoformat(),
            },
        ),
        (f"/staff/evidence/{ref}/chats/", {"export": SimpleUploadedFile("chat.zip", export)}),
        (f"/staff/evidence/{ref}/files/", {"files": SimpleUploadedFile("y.png", b"\x89PNG other")}),
        (f"/staff/referrals/{referral.reference}/questions/{question.pk}/answer/", {"text": "Yes (example)."}),
        (f"/staff/cases/{ref}/reply/", {"body": "x"}),
    ]
    for url, data in tries:
        assert client.post(url, data).status_code == 404, url
    assert Referral.objects.count() == 1 and not ChatTimeline.objects.exists()
    assert case.evidence_files.count() == 1 and not EvidenceItem.objects.filter(case=case).exists()
    question.refresh_from_db()
    assert question.answer_sealed is None
    assert personas.police.pk not in vault.holder_organisation_ids(case.identity_locker)


def test_a_supervisor_acting_on_a_case_assigned_to_someone_else_is_audited(personas, login) -> None:
    case, _code = assigned_case(personas)
    assert login(personas.caseworker).get(f"/staff/cases/{case.reference}/").status_code == 200
    assert not AuditEntry.objects.filter(action="case.acted_on_unassigned").exists()
    supervisor = login(personas.supervisor)
    assert supervisor.get(f"/staff/cases/{case.reference}/incident/").status_code == 200
    assert (
        supervisor.post(f"/staff/cases/{case.reference}/reply/", {"body": "From the supervisor (example)."}).status_code
        == 302
    )
    entries = AuditEntry.objects.filter(action="case.acted_on_unassigned")
    assert entries.count() == 2
    assert {entry.actor_id for entry in entries} == {personas.supervisor.pk}
    assert {entry.object_id for entry in entries} == {str(case.pk)}


def test_the_case_page_records_every_opening_in_one_append_to_the_chain(personas, login) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amana.audit.services import verify_chain
    from amana.cases.services import add_message

    case, _code = assigned_case(personas)
    add_evidence(case=case, files=[SimpleUploadedFile("x.png", b"\x89PNG example")], sender=Sender.SURVIVOR)
    add_message(case=case, body="Are you there? (example)", sender=Sender.SURVIVOR)
    supervisor = login(personas.supervisor)
    for visit in range(2):
        before = AuditEntry.objects.order_by("-seq").first().seq
        with CaptureQueriesContext(connection) as queries:
            assert supervisor.get(f"/staff/cases/{case.reference}/").status_code == 200
        entries = AuditEntry.objects.filter(seq__gt=before).order_by("seq")
        opened = {entry.object_id for entry in entries if entry.action == "vault.opened"}
        lockers = [case.identity_locker_id, case.incident_locker_id, case.messages_locker_id]
        # Each part shown is its own entry, at every visit, and a part not shown is not opened (the
        # evidence is listed on its own page); the supervisor's access to a case not hers is noted
        # once per request.
        assert opened == {str(pk) for pk in lockers}
        assert [entry.action for entry in entries].count("case.opened") == 1
        assert [entry.action for entry in entries].count("case.acted_on_unassigned") == 1
        assert {entry.actor_id for entry in entries} == {personas.supervisor.pk}
        # ... appended under one lock of the chain's head, not one per entry.
        appends = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "audit_audithead"')]
        assert len(appends) == 1, visit
    assert verify_chain() is None
