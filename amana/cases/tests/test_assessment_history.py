"""A new risk assessment supersedes the one before; the older one stays readable, marked as superseded."""

from __future__ import annotations

from django.utils import translation

from amana.audit.models import AuditEntry
from amana.cases import services
from amana.cases.models import Case, RiskAssessment

from .conftest import make_case

LOW = {
    "immediate_danger": "no",
    "family_violence": "no",
    "self_harm": "no",
    "images_published": "no",
    "knows_family": "no",
}


def test_a_new_assessment_supersedes_and_the_old_stays_visible(personas, login) -> None:
    case, _code = make_case(personas.ngo)
    services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    client = login(personas.caseworker)
    url = f"/staff/cases/{case.reference}/assessment/"
    first = {**LOW, "notes": "First talk, calm (example).", "judged": ""}
    assert client.post(url, first).status_code == 302
    second = {**LOW, "family_violence": "yes", "notes": "Her brother saw the messages (example).", "judged": ""}
    assert client.post(url, second).status_code == 302

    assert Case.objects.get(pk=case.pk).risk_level == "high"
    older, newer = RiskAssessment.objects.filter(case=case).order_by("created_at", "pk")
    assert (older.risk_level, newer.risk_level) == ("low", "high")
    assert AuditEntry.objects.filter(action="case.risk_assessed", object_id=str(case.pk)).count() == 2

    page = client.get(url).content.decode()
    with translation.override("ar"):
        in_force = translation.gettext("In force")
    assert "First talk, calm (example)." in page and "Her brother saw the messages (example)." in page
    assert page.count("assessment--superseded") == 1 and in_force in page
    # The newer one comes first and is the one in force; the older one follows, superseded.
    assert page.index(in_force) < page.index("Her brother saw") < page.index("assessment--superseded")
    assert page.index("assessment--superseded") < page.index("First talk")
