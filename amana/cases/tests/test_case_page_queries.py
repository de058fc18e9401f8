"""The case page reads a fixed number of queries, whatever the case holds: no query per message,
referral, question or file, and none that a later change can add unseen."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from amana.cases.forms import STAFF_CONSENT_LABELS
from amana.cases.models import Sender
from amana.cases.services import add_evidence, add_message
from amana.referrals.models import Pathway
from amana.referrals.services import ask
from amana.referrals.tests.conftest import refer

from .conftest import assigned_case

pytestmark = pytest.mark.django_db

# A supervisor opening a case assigned to a caseworker, one query each:
#  1. her session (the sealed session store)
#  2. who she is
#  3. her second factor's device
#  4. her roles
#  5. her organisation's keys, sealed to her (the keyring)
#  6. the case, with its caseworker
#  7. the keys of its lockers that her organisation holds, with the lockers
#  8. a safe-contact plan she chose herself on the site, not yet taken in
#  9. the messages, with their authors' names
# 10-12. the audit chain: its head locked, every opening appended, the head moved on
# 13. the unread notifications counted for the menu
# 14. the caseworkers to assign the case to
# 15. what she agreed to share, the choices in force
# 16. the referrals of the case, with their open questions counted
# 17. her session saved (the time she was last seen)
CASE_PAGE_QUERIES = 17


def _queries_of_case_page(client, case) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/staff/cases/{case.reference}/").status_code == 200
    # Savepoints are the test's own transaction around each atomic block, not the page's queries.
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_it_reads_the_same_queries_for_an_empty_case_and_a_busy_one(personas, login) -> None:
    empty, _code = assigned_case(personas)
    busy, _code = assigned_case(personas)
    for number in range(3):
        add_message(case=busy, body=f"Are you there? {number} (example)", sender=Sender.SURVIVOR)
        add_message(case=busy, body=f"We are here. {number} (example)", sender=Sender.STAFF, author=personas.caseworker)
        add_evidence(case=busy, files=[SimpleUploadedFile(f"{number}.png", b"\x89PNG example")], sender=Sender.SURVIVOR)
    for pathway in (Pathway.LIAISON, Pathway.SAFE_SPACE):
        referral = refer(personas, busy, pathway=pathway)
        ask(referral=referral, by=personas.liaison, text="Did he call her family (example)?")
    supervisor = login(personas.supervisor)
    supervisor.get(f"/staff/cases/{empty.reference}/")  # the first page after signing in sets up its session
    for case in (empty, busy):
        queries = _queries_of_case_page(supervisor, case)
        assert len(queries) == CASE_PAGE_QUERIES, "\n".join(queries)
    page = supervisor.get(f"/staff/cases/{busy.reference}/").content.decode()
    assert "We are here. 2 (example)" in page and page.count('class="code" href="/staff/referrals/') == 2
    # What she agreed to share is listed at a glance (her report allowed the authorities the incident).
    with translation.override("ar"):
        agreed = str(STAFF_CONSENT_LABELS["authorities.incident"])
    assert f'<ul class="consent-current"><li>{escape(agreed)}</li></ul>' in page
