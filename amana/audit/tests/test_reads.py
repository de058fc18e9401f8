"""What a page opened or viewed enters the log in the commit that saves the session, before the page is sent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amana.audit.models import AuditEntry
from amana.audit.services import Line, record_read


def commits(queries: CaptureQueriesContext) -> int:
    return sum(1 for query in queries.captured_queries if query["sql"] == "COMMIT")


@pytest.mark.django_db(transaction=True)
def test_a_viewed_page_saves_its_session_and_its_reads_in_one_commit(personas, login) -> None:
    client = login(personas.me_officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/insights/")
    assert response.status_code == 200
    assert commits(queries) == 1
    viewed = AuditEntry.objects.get(action="insights.viewed")
    assert viewed.actor_id == personas.me_officer.pk


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_reads_cannot_be_logged_is_withheld(personas, login) -> None:
    client = login(personas.me_officer)
    call_command("audit_checkpoint")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_audithead")
    response = client.get("/staff/insights/")
    assert response.status_code == 503
    assert "الحفظ متوقف مؤقتًا" in response.content.decode()
    assert not AuditEntry.objects.filter(action="insights.viewed").exists()


def test_a_read_outside_a_request_is_appended_at_once(db) -> None:
    record_read(actor=None, lines=[Line("test.read", object_type="thing", object_id="1")])
    assert AuditEntry.objects.filter(action="test.read", object_id="1").exists()
