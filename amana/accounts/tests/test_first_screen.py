"""The organisation admin chooses what the public site shows first: today's page by default, or a
neutral page of community information; the choice is audited and explained when it is not one offered."""

from __future__ import annotations

from amana.accounts.models import FirstScreen, Organisation
from amana.audit.models import AuditEntry


def _settings(personas, organisation=None) -> str:
    return f"/staff/organisations/{(organisation or personas.ngo).pk}/settings/"


def test_the_default_is_todays_page(personas) -> None:
    assert Organisation.objects.get(pk=personas.ngo.pk).first_screen == FirstScreen.EXPLICIT


def test_the_organisation_admin_chooses_the_neutral_page_and_it_is_audited(personas, login) -> None:
    client = login(personas.org_admin)
    client.cookies["django_language"] = "en"
    page = client.get(_settings(personas)).content.decode()
    assert "What the public site shows first" in page
    response = client.post(_settings(personas) + "first-screen/", {"first_screen": "neutral"})
    assert response.status_code == 302
    assert Organisation.objects.get(pk=personas.ngo.pk).first_screen == FirstScreen.NEUTRAL
    entry = AuditEntry.objects.get(action="organisation.first_screen_changed")
    assert entry.actor_id == personas.org_admin.pk and entry.object_id == str(personas.ngo.pk)
    followed = client.get(response["Location"]).content.decode()
    assert "The public site&#x27;s home page follows this choice from now on." in followed
    assert 'value="neutral" required id="id_first_screen_1" checked' in followed


def test_a_choice_not_offered_is_explained_and_nothing_changes(personas, login) -> None:
    client = login(personas.org_admin)
    client.cookies["django_language"] = "en"
    for data in ({}, {"first_screen": "blank"}):
        response = client.post(_settings(personas) + "first-screen/", data)
        assert response.status_code == 400
        assert "Choose one of the two pages." in response.content.decode()
    assert Organisation.objects.get(pk=personas.ngo.pk).first_screen == FirstScreen.EXPLICIT
    assert not AuditEntry.objects.filter(action="organisation.first_screen_changed").exists()


def test_only_an_ngo_has_the_choice(personas, login) -> None:
    admin = login(personas.system_admin)
    assert "first-screen/" not in admin.get(_settings(personas, personas.police)).content.decode()
    assert (
        admin.post(_settings(personas, personas.police) + "first-screen/", {"first_screen": "neutral"}).status_code
        == 404
    )


def test_staff_who_are_not_admins_cannot_change_it(personas, login) -> None:
    for member in (personas.caseworker, personas.supervisor, personas.me_officer):
        response = login(member).post(_settings(personas) + "first-screen/", {"first_screen": "neutral"})
        assert response.status_code == 403
    assert Organisation.objects.get(pk=personas.ngo.pk).first_screen == FirstScreen.EXPLICIT
