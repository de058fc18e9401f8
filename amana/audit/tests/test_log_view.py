from __future__ import annotations

from amana.audit.services import record


def test_supervisors_and_admins_read_the_log(personas, login) -> None:
    for name in ["supervisor", "org_admin", "system_admin"]:
        assert login(getattr(personas, name)).get("/staff/audit/").status_code == 200, name


def test_every_other_role_is_refused(personas, login) -> None:
    for name in ["caseworker", "me_officer", "cpt_member", "liaison", "provider_staff"]:
        assert login(getattr(personas, name)).get("/staff/audit/").status_code == 403, name


def test_it_requires_sign_in(db, client) -> None:
    assert client.get("/staff/audit/")["Location"].startswith("/staff/login/")


def test_a_supervisor_sees_only_their_organisations_entries(personas, login) -> None:
    record(actor=personas.outsider, action="test.other_organisation")
    record(actor=personas.caseworker, action="test.own_organisation")
    page = login(personas.supervisor).get("/staff/audit/").content.decode()
    assert "test.own_organisation" in page
    assert "test.other_organisation" not in page
    assert "test.other_organisation" in login(personas.system_admin).get("/staff/audit/").content.decode()


def test_actions_and_objects_read_as_words_in_arabic(personas, login) -> None:
    record(actor=personas.caseworker, action="login.succeeded", target=personas.caseworker)
    record(actor=personas.caseworker, action="case.something_new")
    page = login(personas.supervisor).get("/staff/audit/").content.decode()
    assert "سجّل الدخول" in page
    assert "موظف" in page  # accounts.user, by its translated name
    assert "إدارة الحالات · case.something_new" in page
    assert 'data-label="الإجراء"' in page  # the stacked layout labels each cell on a phone
