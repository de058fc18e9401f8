"""The caseworker records at intake whether the incident was done through technology (GBVIMS):
a plain figure kept in the case, never assumed from the platform, shown to whoever reads the case."""

from __future__ import annotations

import re

from amana.audit.models import AuditEntry
from amana.cases.models import Case, TechnologyFacilitated

from .conftest import assigned_case


def _checked(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="technology_facilitated" value="(\w+)"[^>]* checked', page)


INCIDENT = {
    "narrative": "He threatens to send the photos to her family (example).",
    "perpetrator_phones": "0770 000 0000",
    "perpetrator_accounts": "",
}


def test_a_new_report_has_it_not_recorded_whatever_the_platform(personas) -> None:
    case, _code = assigned_case(personas, platform="whatsapp")
    assert case.technology_facilitated == TechnologyFacilitated.NOT_RECORDED


def test_the_caseworker_records_it_at_intake_and_the_change_is_audited(personas, login) -> None:
    case, _code = assigned_case(personas)
    client = login(personas.caseworker)
    client.cookies["django_language"] = "en"
    url = f"/staff/cases/{case.reference}/incident/"
    form = client.get(url).content.decode()
    assert "Was it done through technology?" in form
    assert "do not assume it from the platform" in form
    assert _checked(form) == ["not_recorded"]
    assert client.post(url, {**INCIDENT, "technology_facilitated": "yes"}).status_code == 302
    assert Case.objects.get(pk=case.pk).technology_facilitated == TechnologyFacilitated.YES
    assert AuditEntry.objects.filter(action="case.incident_edited", object_id=str(case.pk)).exists()
    assert _checked(client.get(url).content.decode()) == ["yes"]
    case_page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Done through technology (GBVIMS)" in case_page


def test_an_answer_that_is_not_offered_is_explained_and_nothing_changes(personas, login) -> None:
    case, _code = assigned_case(personas)
    client = login(personas.caseworker)
    client.cookies["django_language"] = "en"
    url = f"/staff/cases/{case.reference}/incident/"
    for answer in ("", "maybe"):
        response = client.post(url, {**INCIDENT, "technology_facilitated": answer})
        assert response.status_code == 400
        assert 'id="id_technology_facilitated_error"' in response.content.decode()
    assert Case.objects.get(pk=case.pk).technology_facilitated == TechnologyFacilitated.NOT_RECORDED
