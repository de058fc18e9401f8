"""The directory: a read-only page for every staff member, kept by admins, feeding the public page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from amana.directory.demo import create_demo_directory
from amana.directory.models import Service, ServiceKind
from amana.directory.selectors import receiving_services

pytestmark = pytest.mark.django_db
PERSONAS = [
    "caseworker",
    "supervisor",
    "me_officer",
    "org_admin",
    "system_admin",
    "cpt_member",
    "liaison",
    "provider_staff",
    "outsider",
]


@pytest.fixture
def entries(personas):
    return [
        Service.objects.create(
            name="Police line (example)",
            kind=ServiceKind.POLICE,
            number="0000 1",
            is_hotline=True,
            organisation=personas.police,
        ),
        Service.objects.create(
            name="Qayyarah clinic (example)",
            kind=ServiceKind.HEALTH,
            area="qayyarah",
            accepts="Women and girls (example).",
        ),
        Service.objects.create(name="Closed office (example)", kind=ServiceKind.NGO, is_active=False),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_staff_member_reads_the_directory(personas, entries, login, persona: str) -> None:
    page = login(getattr(personas, persona)).get("/staff/directory/").content.decode()
    assert "Police line (example)" in page and "Women and girls (example)." in page
    assert "Closed office (example)" not in page


def test_signed_out_people_are_sent_to_sign_in(client) -> None:
    assert "/staff/login/" in client.get("/staff/directory/")["Location"]


def test_it_filters_by_area_and_type_and_ignores_nonsense(personas, entries, login) -> None:
    client = login(personas.caseworker)
    page = client.get("/staff/directory/", {"area": "qayyarah", "kind": "health"}).content.decode()
    assert "Qayyarah clinic (example)" in page and "Police line (example)" not in page
    page = client.get("/staff/directory/", {"area": "<script>", "kind": "x" * 5000, "page": "zz"})
    assert page.status_code == 200 and "Police line (example)" in page.content.decode()


def test_only_entries_linked_to_an_organisation_feed_the_referral_forms(entries) -> None:
    assert [entry.name for entry in receiving_services()] == ["Police line (example)"]


def test_only_system_admins_edit_it(personas, login) -> None:
    assert login(personas.system_admin).get("/staff/admin/directory/service/add/").status_code == 200
    for persona in ("caseworker", "org_admin", "liaison"):
        assert login(getattr(personas, persona)).get("/staff/admin/directory/service/").status_code in (302, 403)


def test_demo_entries_are_fictional_and_linked_to_demo_organisations(personas) -> None:
    assert create_demo_directory() > 0
    assert create_demo_directory() == 0
    for entry in Service.objects.all():
        assert entry.number.startswith("0000") and "(demo)" in entry.name
    assert Service.objects.get(kind=ServiceKind.POLICE).organisation == personas.police


def test_demo_entries_have_their_words_in_arabic_and_kurdish(personas, login) -> None:
    create_demo_directory()
    for entry in Service.objects.all():
        assert {text.language for text in entry.texts.all()} == {"ar", "ckb"}
        for text in entry.texts.all():
            assert text.name and text.hours and text.languages and text.accepts
    police = Service.objects.get(kind=ServiceKind.POLICE)
    page = login(personas.caseworker).get("/staff/directory/").content.decode()  # Arabic by default
    assert police.texts.get(language="ar").name in page and police.name not in page


@pytest.mark.django_db(transaction=True)
def test_the_channel_hotlines_move_into_the_directory() -> None:
    executor = MigrationExecutor(connection)
    before = [("channel", "0001_initial"), ("directory", "0001_initial")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("channel", "Hotline").objects.create(
        name="Old line (example)", number="0000 9", area="qayyarah", kind="legal", is_emergency=True, hours="24/7"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    moved = Service.objects.get(name="Old line (example)")
    assert (moved.number, moved.area, moved.kind, moved.is_emergency, moved.is_hotline, moved.hours) == (
        "0000 9",
        "qayyarah",
        "legal",
        True,
        True,
        "24/7",
    )
