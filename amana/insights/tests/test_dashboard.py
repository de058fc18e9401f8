"""The dashboard and its exports: who may see them, what they read, what they audit and limit."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases.models import Channel
from amana.insights.tests.conftest import counted_cases, release_months

PERIOD = {"first": "2025-01", "last": "2025-06"}
FORBIDDEN = ["caseworker", "org_admin", "system_admin", "cpt_member", "liaison", "provider_staff", "outsider"]
FORMATS = ("csv", "xlsx", "pdf", "gbvims")


@pytest.fixture
def released(personas):
    counted_cases(personas.ngo, 30, channel=Channel.WEB)
    counted_cases(personas.ngo, 2, channel=Channel.HOTLINE)
    counted_cases(personas.ngo, 3, consent=False, channel=Channel.IN_PERSON)
    counted_cases(personas.ngo, 25, channel=Channel.WEB, month_reported=date(2025, 4, 1))
    release_months(personas.ngo, date(2025, 1, 1), date(2025, 6, 1))


def table_from_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("who", FORBIDDEN)
def test_it_refuses_everyone_but_me_and_supervisors(personas, login, who) -> None:
    client = login(getattr(personas, who))
    assert client.get("/staff/insights/").status_code == 403
    for fmt in FORMATS:
        assert client.get(f"/staff/insights/export.{fmt}", {**PERIOD, "table": "channel"}).status_code == 403


def test_it_sends_strangers_to_sign_in(client) -> None:
    response = client.get("/staff/insights/")
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_it_publishes_no_count_from_one_to_four_and_marks_what_it_hides(personas, login, released) -> None:
    response = login(personas.me_officer).get("/staff/insights/export.csv", {**PERIOD, "table": "channel"})
    rows = table_from_csv(response.content)
    numbers = [cell for row in rows[2:] for cell in row[1:-1]]
    assert all(cell in ("<5",) or int(cell) == 0 or int(cell) >= 5 for cell in numbers)
    header = rows[0]
    march = next(row for row in rows if row[0] == "2025-03")
    # Two hotline cases in March: hidden whatever the noise did, unless it lifted them to 5 or more.
    assert (
        march[header.index(str(Channel.HOTLINE.label))] == "<5"
        or int(march[header.index(str(Channel.HOTLINE.label))]) >= 5
    )
    html = login(personas.me_officer).get("/staff/insights/", PERIOD).content.decode()
    assert '<bdi dir="ltr">&lt;5</bdi>' in html
    assert "<svg" in html and "<script" not in html


def test_it_shows_the_current_month_only_to_supervisors_as_an_internal_count(personas, login, released) -> None:
    counted_cases(personas.ngo, 2, month_reported=timezone.localdate().replace(day=1))
    supervisor = login(personas.supervisor).get("/staff/insights/", PERIOD).context["result"]
    me = login(personas.me_officer).get("/staff/insights/", PERIOD).context["result"]
    assert supervisor.internal_count == 2
    assert me.internal_count is None


@pytest.mark.parametrize(
    "query",
    [
        {"first": "", "last": ""},
        {"first": "March", "last": "2025-06"},
        {"first": "2025-06", "last": "2025-01"},
        {"first": "2020-01", "last": "2025-06"},
        {"first": "2025-01", "last": "2025-06", "window": "99"},
        {"first": "2025-01" * 500, "last": "2025-06"},
        {"first": "2025-01", "last": "2025-06", "district": "<script>"},
    ],
)
def test_it_answers_bad_periods_with_a_message(personas, login, query) -> None:
    client = login(personas.me_officer)
    response = client.get("/staff/insights/", query)
    assert response.status_code == 400
    assert b'class="errorlist"' in response.content
    assert client.get("/staff/insights/export.xlsx", query).status_code == 400


def test_it_refuses_unknown_formats_and_tables(personas, login) -> None:
    client = login(personas.me_officer)
    assert client.get("/staff/insights/export.exe", PERIOD).status_code == 404
    assert client.get("/staff/insights/export.csv", {**PERIOD, "table": "identity"}).status_code == 404


def test_it_audits_every_view_and_export_with_its_filters(personas, login, released) -> None:
    client = login(personas.me_officer)
    client.get("/staff/insights/", {**PERIOD, "district": "qayyarah"})
    client.get("/staff/insights/export.csv", {**PERIOD, "table": "platform", "around": "2025-04", "window": "2"})
    client.get("/staff/insights/export.gbvims", PERIOD)
    entries = list(
        AuditEntry.objects.filter(action__startswith="insights.").exclude(action="insights.released").order_by("seq")
    )
    assert [(e.action, e.object_id) for e in entries] == [
        ("insights.viewed", "2025-01..2025-06 qayyarah"),
        ("insights.exported.csv", "2025-01..2025-06 vs 2025-04/2 platform"),
        ("insights.exported.gbvims", "2025-01..2025-06"),
    ]
    assert all(entry.actor_id == personas.me_officer.pk for entry in entries)


def test_it_limits_exports_per_person_per_day_with_a_clear_message(personas, login, released, settings) -> None:
    settings.AMANA_EXPORTS_PER_DAY = 2
    client = login(personas.me_officer)
    assert client.get("/staff/insights/export.xlsx", PERIOD).status_code == 200
    assert client.get("/staff/insights/export.pdf", PERIOD).status_code == 200
    client.cookies["django_language"] = "en"
    refused = client.get("/staff/insights/export.csv", {**PERIOD, "table": "channel"})
    assert refused.status_code == 429
    assert "You have taken 2 exports today" in refused.content.decode()
    client.cookies["django_language"] = "ar"
    assert "بلغ عدد تنزيلاتك اليوم 2" in client.get("/staff/insights/export.gbvims", PERIOD).content.decode()
    # The limit is per person: a colleague may still export, and the dashboard stays open.
    assert login(personas.supervisor).get("/staff/insights/export.xlsx", PERIOD).status_code == 200
    assert client.get("/staff/insights/", PERIOD).status_code == 200
    assert (
        AuditEntry.objects.filter(actor_id=personas.me_officer.pk, action__startswith="insights.exported").count() == 2
    )


def test_its_xlsx_has_an_hxl_row_under_the_headers_and_marks_the_total_row(personas, login, released) -> None:
    response = login(personas.me_officer).get("/staff/insights/export.xlsx", PERIOD)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    for name in workbook.sheetnames[1:]:
        rows = [row for row in workbook[name].iter_rows(values_only=True) if any(v is not None for v in row)]
        assert all(str(tag).startswith("#") for tag in rows[1] if tag)
        assert rows[1][-1] == "#meta+rowtype"
        assert rows[-2][-1] == "total"
        assert all(row[-1] in ("data", "late") for row in rows[2:-2])


def test_it_refuses_a_threshold_below_three() -> None:
    env = {**os.environ, "AMANA_SUPPRESSION_THRESHOLD": "2", "DJANGO_SETTINGS_MODULE": "amana.settings"}
    run = subprocess.run(  # our own interpreter and settings module
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "AMANA_SUPPRESSION_THRESHOLD must be at least 3" in run.stderr


def test_it_is_on_the_menu_of_me_officers_only(personas) -> None:
    from amana.core.menu import sections_for

    assert any(s.url.startswith("/staff/insights/") for s in sections_for(personas.me_officer))
    assert not any(s.url.startswith("/staff/insights/") for s in sections_for(personas.caseworker))


def test_it_draws_released_months_once_and_again_after_a_new_release(personas, login) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counted_cases(personas.ngo, 30, channel=Channel.WEB)
    counted_cases(personas.ngo, 25, channel=Channel.WEB, month_reported=date(2025, 4, 1))
    release_months(personas.ngo, date(2025, 1, 1), date(2025, 3, 1))
    me_officer = login(personas.me_officer)
    first = me_officer.get("/staff/insights/", PERIOD).context["result"]
    with CaptureQueriesContext(connection) as queries:
        again = me_officer.get("/staff/insights/", PERIOD)
    # Drawn from what the first view drew: no released cell is read again.
    assert not any("insights_releasecell" in query["sql"] for query in queries.captured_queries)
    assert again.context["result"].released == first.released == [date(2025, m, 1) for m in (1, 2, 3)]
    # A new release changes what is drawn, at once.
    release_months(personas.ngo, date(2025, 4, 1), date(2025, 4, 1))
    later = me_officer.get("/staff/insights/", PERIOD).context["result"]
    assert later.released[-1] == date(2025, 4, 1)
    assert later.table("cases").total.value != first.table("cases").total.value
    # The same figures for every role; only a supervisor is shown this month's internal count.
    supervisor = login(personas.supervisor).get("/staff/insights/", PERIOD).context["result"]
    assert supervisor.internal_count is not None and later.internal_count is None
    assert supervisor.table("cases").total.value == later.table("cases").total.value
    assert me_officer.get("/staff/insights/", PERIOD).context["result"].internal_count is None


def test_it_keeps_the_figures_drawn_lately_and_lets_the_least_recently_used_go() -> None:
    from amana.insights.views import Drawn

    drawn = Drawn(2)
    drawn.put("march", "m")  # type: ignore[arg-type]  # any value is kept as it is
    drawn.put("april", "a")  # type: ignore[arg-type]
    assert drawn.get("march") == "m"
    drawn.put("may", "y")  # type: ignore[arg-type]
    assert drawn.get("april") is None
    assert (drawn.get("march"), drawn.get("may")) == ("m", "y")


def test_a_page_shown_again_offers_a_forum_recorded_since_and_links_its_own_filters(personas, login, released) -> None:
    from amana.community.tests.conftest import make_forum

    client = login(personas.me_officer)
    before = client.get("/staff/insights/", PERIOD).content.decode()
    assert "Hamam al-Alil hall (example)" not in before
    make_forum(personas.me_officer, date(2025, 3, 9), place="Hamam al-Alil hall (example)")
    after = client.get("/staff/insights/", PERIOD).content.decode()
    assert "2025-03-09 · Hamam al-Alil hall (example)" in after
    # The same figures asked for with an area: the download links carry the area asked for.
    with_area = client.get("/staff/insights/", {**PERIOD, "district": "qayyarah"}).content.decode()
    assert "district=qayyarah&amp;table=" in with_area
    assert "district=qayyarah" not in after
