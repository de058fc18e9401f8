"""The menu's count of unread notices: counted once per page, and no further than it shows."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amana.cases.models import Notification, NotificationKind
from amana.channel.tests.conftest import make_case


def _notices(recipient, case, count: int) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=recipient, kind=NotificationKind.ASSIGNED, case=case) for _ in range(count)
    )


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _counts(queries: CaptureQueriesContext) -> int:
    return sum(1 for query in queries.captured_queries if "cases_notification" in query["sql"])


def test_the_home_page_counts_the_unread_notices_once(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    _notices(personas.supervisor, case, 3)
    client = _english(login(personas.supervisor))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/staff/").content.decode()
    assert _counts(queries) == 1
    assert '<span class="count">3 new</span>' in page


def test_past_ninety_nine_the_menu_says_more_than_ninety_nine(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    _notices(personas.supervisor, case, 99)
    client = _english(login(personas.supervisor))
    assert '<span class="count">99 new</span>' in client.get("/staff/cases/").content.decode()
    _notices(personas.supervisor, case, 150)
    page = client.get("/staff/cases/").content.decode()
    assert '>Notifications <span class="count">more than 99 new</span>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert "أكثر من 99 جديدًا" in client.get("/staff/cases/").content.decode()
