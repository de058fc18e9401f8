"""The audit log answers "who opened case X?": words instead of ids, filters, visits, partners, refusals, CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.audit.services import record
from amana.cases.tests.conftest import assigned_case
from amana.channel.tests.conftest import make_case
from amana.referrals.tests.conftest import directory, refer

__all__ = ["directory"]  # a fixture these tests use


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr>\s*(<td.*?)</tr>", html, flags=re.S)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_openings_read_as_case_references_names_and_parts(personas, login) -> None:
    case, _code = assigned_case(personas)
    personas.caseworker.first_name, personas.caseworker.last_name = "Huda", "(example)"
    personas.caseworker.save(update_fields=["first_name", "last_name"])
    caseworker = login(personas.caseworker)
    caseworker.get(f"/staff/cases/{case.reference}/")
    page = login(personas.supervisor).get(f"/staff/audit/?case={case.reference}")
    assert page.status_code == 200
    html = page.content.decode()
    row = _text(_rows(html)[0])
    assert case.reference in row
    assert "Huda (example)" in row
    assert "فتح حالة" in row  # "Opened a case", in Arabic
    assert "الهوية" in row  # the identity part, in words
    assert "vault.locker" not in html and "locker" not in html


def test_one_row_per_person_per_case_per_visit_while_the_chain_keeps_every_opening(personas, login) -> None:
    case, _code = assigned_case(personas)
    caseworker = login(personas.caseworker)
    before = AuditEntry.objects.count()
    for _ in range(3):
        caseworker.get(f"/staff/cases/{case.reference}/")
    openings = AuditEntry.objects.filter(seq__gt=before, action__in=["case.opened", "vault.opened"]).count()
    assert openings >= 6  # each view records the case and each part it opens
    html = login(personas.supervisor).get(f"/staff/audit/?case={case.reference}&action=openings").content.decode()
    rows = _rows(html)
    assert len(rows) == 1
    assert f"{openings} " in _text(rows[0])  # "N openings since …"


def test_a_later_visit_is_a_row_of_its_own(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    record(actor=personas.caseworker, action="case.opened", target=case)
    AuditEntry.objects.filter(action="case.opened").update(at=timezone.now() - timedelta(hours=3))
    record(actor=personas.caseworker, action="case.opened", target=case)
    record(actor=personas.supervisor, action="case.opened", target=case)
    html = login(personas.supervisor).get(f"/staff/audit/?case={case.reference}&action=openings").content.decode()
    assert len(_rows(html)) == 3


def test_filters_by_person_action_and_date(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    record(actor=personas.caseworker, action="case.risk_assessed", target=case)
    record(actor=personas.supervisor, action="case.assigned", target=case)
    supervisor = login(personas.supervisor)
    html = supervisor.get("/staff/audit/?person=caseworker&action=case.").content.decode()
    assert "قيّم السلامة والمخاطر" in html
    assert "أسند حالة" not in _text("".join(_rows(html)))
    today = timezone.localdate()
    same_day = supervisor.get(f"/staff/audit/?since={today}&until={today}&action=case.assigned").content.decode()
    assert len(_rows(same_day)) == 1
    tomorrow = today + timedelta(days=1)
    html = supervisor.get(f"/staff/audit/?since={tomorrow}&until={tomorrow}").content.decode()
    assert not _rows(html)


def test_a_partners_openings_of_our_case_are_shown_to_our_supervisors(personas, login, directory) -> None:
    case, _code = make_case(personas.ngo)
    referral = refer(personas, case)
    login(personas.liaison).get(f"/staff/referrals/received/{referral.reference}/")
    html = login(personas.supervisor).get(f"/staff/audit/?case={case.reference}").content.decode()
    partner_rows = [_text(row) for row in _rows(html) if "police.liaison" in row]
    assert partner_rows, html
    assert any("Test Community Police (example)" in row for row in partner_rows)
    # The other NGO's supervisors see none of it.
    other = AuditEntry.objects.filter(actor_id=personas.liaison.pk).count()
    assert other
    assert "police.liaison" not in login(personas.outsider).get("/staff/audit/").content.decode()


def test_refused_attempts_are_recorded_and_shown(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    assert login(personas.outsider).get(f"/staff/cases/{case.reference}/").status_code == 404
    assert login(personas.me_officer).get("/staff/cases/").status_code == 403
    refused = AuditEntry.objects.filter(action="access.refused")
    assert {(e.actor_label, e.object_type) for e in refused} == {("outsider", "cases.case"), ("me.officer", "url")}
    html = login(personas.supervisor).get(f"/staff/audit/?case={case.reference}&action=access.").content.decode()
    row = _text(_rows(html)[0])
    assert "outsider" in row and "Other NGO (example)" in row and case.reference in row


def test_a_huge_or_backwards_range_gets_a_clear_message(personas, login) -> None:
    supervisor = login(personas.supervisor)
    huge = supervisor.get("/staff/audit/?since=2000-01-01&until=2026-01-01")
    assert huge.status_code == 400
    assert "أطول من سنة" in huge.content.decode()
    far = supervisor.get("/staff/audit/?until=9999-12-31")
    assert far.status_code == 400
    backwards = supervisor.get("/staff/audit/?since=2026-05-02&until=2026-05-01")
    assert backwards.status_code == 400
    assert supervisor.get("/staff/audit/?since=not-a-date").status_code == 400
    assert supervisor.get("/staff/audit/export.csv?since=2000-01-01&until=2026-01-01").status_code == 400


def test_an_unknown_case_or_another_organisations_case_is_refused_with_words(personas, login) -> None:
    theirs, _code = make_case(personas.other_ngo)
    supervisor = login(personas.supervisor)
    for reference in ["ZZZZ-ZZZZ", theirs.reference]:
        page = supervisor.get(f"/staff/audit/?case={reference}")
        assert page.status_code == 400
        assert "لا توجد حالة" in page.content.decode()


def test_csv_export_of_a_filtered_view(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    record(actor=personas.caseworker, action="case.risk_assessed", target=case)
    record(actor=personas.caseworker, action="=cmd|' /C calc'!A0", target=case)
    response = login(personas.supervisor).get(f"/staff/audit/export.csv?case={case.reference}&person=caseworker")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3  # the header and the two entries of the caseworker
    assert all(row[5] == case.reference for row in rows[1:])
    assert all(not row[4].startswith("=") for row in rows[1:])  # no formula runs in a spreadsheet
    assert AuditEntry.objects.filter(action="audit.exported", actor_id=personas.supervisor.pk).exists()


def test_older_entries_page_on(personas, login) -> None:
    for number in range(60):
        record(actor=personas.caseworker, action=f"test.step_{number}")
    supervisor = login(personas.supervisor)
    first = supervisor.get("/staff/audit/?person=caseworker").content.decode()
    assert len(_rows(first)) == 50
    older = re.search(r'href="\?([^"]*before=\d+)"', first)
    assert older
    second = supervisor.get("/staff/audit/?" + older.group(1).replace("&amp;", "&")).content.decode()
    assert "test.step_0" in second and "test.step_59" not in second


def test_every_recorded_action_has_words(personas) -> None:
    from pathlib import Path

    from amana.audit.labels import ACTIONS, action_label

    source = "\n".join(p.read_text() for p in Path("amana").rglob("*.py") if "tests" not in p.parts)
    codes = set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', source)) | set(
        re.findall(r'^[A-Z_]+ = "(case\.[a-z_]+)"', source, re.M)
    )
    assert "case.shredded_on_request" in codes
    assert codes <= set(ACTIONS), codes - set(ACTIONS)
    assert action_label("community.forum.corrected") != "community.forum.corrected"
