"""An entry's words (name, hours, languages spoken, what it accepts) entered and corrected in
Arabic, English and Sorani, each time with a reason and an audit entry; readers see their language,
else the language the entry was written in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from amana.audit.models import AuditEntry
from amana.directory.models import EntryCorrection, Service, ServiceKind, ServiceText

pytestmark = pytest.mark.django_db

SORANI = {
    "name": "هێڵی پۆلیسی کۆمەڵگا (نموونە)",
    "hours": "هەموو کاتێک",
    "languages": "کوردی، عەرەبی",
    "accepts": "ڕاپۆرتی هەڕەشە (نموونە).",
}


@pytest.fixture
def entry() -> Service:
    return Service.objects.create(
        name="خط الشرطة المجتمعية (مثال)",
        kind=ServiceKind.POLICE,
        number="0000 1",
        hours="على مدار الساعة",
        languages="العربية",
        accepts="بلاغات الابتزاز (مثال).",
        language="ar",
    )


def _url(entry: Service, language: str) -> str:
    return f"/staff/directory/{entry.pk}/words/{language}/"


def _reading(client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get("/staff/directory/").content.decode()


def test_an_admin_enters_the_sorani_words_with_a_reason_and_it_is_audited(personas, login, entry) -> None:
    client = login(personas.org_admin)
    response = client.post(_url(entry, "ckb"), SORANI | {"reason": "Sorani speakers call this line (example)."})
    assert response.status_code == 302
    text = ServiceText.objects.get(service=entry, language="ckb")
    assert (text.name, text.hours, text.languages, text.accepts) == tuple(SORANI.values())
    correction = EntryCorrection.objects.get(service=entry)
    assert correction.reason == "Sorani speakers call this line (example)."
    assert correction.language == "ckb" and correction.corrected_by == personas.org_admin
    assert sorted(correction.fields) == ["accepts", "hours", "languages", "name"]
    audited = AuditEntry.objects.get(action="directory.entry.entered")
    assert (audited.actor_id, audited.object_id) == (personas.org_admin.pk, str(entry.pk))
    page = client.get(_url(entry, "ckb")).content.decode()
    assert "Sorani speakers call this line (example)." in page


def test_each_reader_sees_her_language_and_else_the_language_it_was_written_in(personas, login, entry) -> None:
    ServiceText.objects.create(service=entry, language="ckb", name=SORANI["name"], hours=SORANI["hours"])
    client = login(personas.caseworker)
    sorani = _reading(client, "ckb")
    assert SORANI["name"] in sorani and SORANI["hours"] in sorani
    # Words not given in Sorani are shown as written, marked with their language.
    assert 'lang="ar" dir="auto">بلاغات الابتزاز (مثال).' in sorani
    arabic = _reading(client, "ar")
    assert "خط الشرطة المجتمعية (مثال)" in arabic and SORANI["name"] not in arabic
    english = _reading(client, "en")
    assert "خط الشرطة المجتمعية (مثال)" in english
    assert "Some of these words are not yet written in your language." in english
    assert "Some of these words are not yet written in your language." not in _reading(client, "ar")


def test_correcting_the_language_it_was_written_in_corrects_its_own_words(personas, login, entry) -> None:
    client = login(personas.system_admin)
    words = {"name": entry.name, "hours": "من الأحد إلى الخميس", "languages": entry.languages}
    response = client.post(_url(entry, "ar"), words | {"accepts": entry.accepts, "reason": "The hours changed."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == "من الأحد إلى الخميس" and not ServiceText.objects.exists()
    assert EntryCorrection.objects.get().fields == ["hours"]
    assert AuditEntry.objects.filter(action="directory.entry.corrected", object_id=str(entry.pk)).count() == 1


def test_a_correction_without_a_reason_is_refused_and_nothing_changes(personas, login, entry) -> None:
    client = login(personas.org_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(_url(entry, "en"), {"name": "Community Police line (example)", "reason": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ServiceText.objects.exists() and not EntryCorrection.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="directory.").exists()


def test_a_correction_that_changes_nothing_says_so(personas, login, entry) -> None:
    client = login(personas.org_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    words = {"name": entry.name, "hours": entry.hours, "languages": entry.languages, "accepts": entry.accepts}
    response = client.post(_url(entry, "ar"), words | {"reason": "Checked."})
    assert response.status_code == 400 and "Nothing was changed." in response.content.decode()
    assert not EntryCorrection.objects.exists()


@pytest.mark.parametrize("persona", ["caseworker", "supervisor", "me_officer", "liaison", "cpt_member"])
def test_only_admins_keep_the_words(personas, login, entry, persona: str) -> None:
    client = login(getattr(personas, persona))
    assert client.get(_url(entry, "en")).status_code == 403
    assert client.post(_url(entry, "en"), {"name": "x", "reason": "x"}).status_code == 403
    assert "/words/" not in _reading(client, "en")
    assert not ServiceText.objects.exists()


def test_an_unknown_language_or_entry_is_not_found(personas, login, entry) -> None:
    client = login(personas.org_admin)
    assert client.get(_url(entry, "fr")).status_code == 404
    assert client.get(f"/staff/directory/{entry.pk + 100}/words/en/").status_code == 404
    assert f"/staff/directory/{entry.pk}/words/ckb/" in _reading(client, "ar")


@pytest.mark.django_db(transaction=True)
def test_existing_entries_are_marked_with_the_language_they_are_written_in() -> None:
    executor = MigrationExecutor(connection)
    before = [("directory", "0002_hotlines_from_channel")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("directory", "Service")
    for name in ("Women's line (example)", "خط النساء (مثال)", "هێڵی ئافرەتان (نموونە)"):
        old.objects.create(name=name, kind="ngo")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    languages = dict(Service.objects.values_list("name", "language"))
    assert languages == {"Women's line (example)": "en", "خط النساء (مثال)": "ar", "هێڵی ئافرەتان (نموونە)": "ckb"}


def test_the_public_page_shows_a_hotline_in_her_language(client, entry) -> None:
    entry.is_hotline = True
    entry.save(update_fields=["is_hotline"])
    ServiceText.objects.create(service=entry, language="en", name="Community Police line (example)", hours="Always")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/").content.decode()
    assert "Community Police line (example)" in english and "Always" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    arabic = client.get("/").content.decode()
    assert "خط الشرطة المجتمعية (مثال)" in arabic and "Community Police line (example)" not in arabic
