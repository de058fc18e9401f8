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
