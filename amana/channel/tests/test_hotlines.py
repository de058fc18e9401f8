from __future__ import annotations

import pytest
from django.test import Client

from amana.channel.demo import DEMO_HOTLINES, create_demo_hotlines
from amana.channel.selectors import emergency_hotlines_for, hotlines_for
from amana.directory.models import Service

pytestmark = pytest.mark.django_db


def test_the_public_page_lists_the_hotlines_emergency_first(hotlines, client: Client) -> None:
    page = client.get("/").content.decode()
    assert page.index("Emergency line (example)") < page.index("Qayyarah office (example)")
    assert "Mosul office (example)" in page
    assert "StopNCII" in page and "Take It Down" in page
    assert "Referral-only clinic (example)" not in page


def test_her_district_shows_its_own_lines_and_those_for_every_area(hotlines) -> None:
    names = {hotline.name for hotline in hotlines_for("qayyarah")}
    assert names == {"Emergency line (example)", "Qayyarah office (example)"}
    assert [h.name for h in emergency_hotlines_for("mosul_city")] == ["Emergency line (example)"]


def test_demo_hotlines_are_plainly_fictional_and_added_once(db) -> None:
    assert create_demo_hotlines() == len(DEMO_HOTLINES)
    assert create_demo_hotlines() == 0
    for hotline in Service.objects.all():
        assert hotline.number.startswith("0000") and "(demo)" in hotline.name


def test_system_admins_manage_hotlines_in_the_admin(personas, login) -> None:
    assert login(personas.system_admin).get("/staff/admin/directory/service/").status_code == 200
    assert login(personas.caseworker).get("/staff/admin/directory/service/").status_code in (302, 403)


def test_she_can_see_the_lines_for_her_area_without_javascript(hotlines, client) -> None:  # type: ignore[no-untyped-def]
    from amana.directory.models import Service, ServiceKind

    Service.objects.create(
        name="Hammam office (example)",
        number="0000 000 0301",
        area="hammam_al_alil",
        kind=ServiceKind.NGO,
        is_hotline=True,
    )
    everywhere = client.get("/").content.decode()
    assert "Qayyarah office (example)" in everywhere and "Hammam office (example)" in everywhere
    page = client.get("/", {"area": "qayyarah"}).content.decode()
    assert "Qayyarah office (example)" in page
    assert "Emergency line (example)" in page  # lines for every area stay
    assert "Hammam office (example)" not in page
    assert 'name="area"' in page
    # A made-up area is ignored, never an error.
    assert client.get("/", {"area": "<script>"}).status_code == 200
