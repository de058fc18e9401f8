"""She reads the consent staff recorded with her, in plain words, and changes it with her code; under
her second code the page is that of a real case with nothing recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from amana.accounts.models import Role
from amana.cases import services as case_services
from amana.cases.models import Consent, ConsentRecord
from amana.cases.services import ChildConsent, GivenConsent
from amana.cases.tests.conftest import colleague

from .conftest import make_case
from .test_follow_up import _enter, _main_text, _make_second_code

pytestmark = pytest.mark.django_db
WITNESS = "Huda (example), protection officer"


def _record_with_her(case, by, *, given, child=None) -> None:
    case_services.record_consent(
        case=case,
        consent=GivenConsent(
            given=frozenset(given),
            how="phone",
            given_at=timezone.now() - timedelta(hours=1),
            witness=WITNESS,
            child=child,
        ),
        based_on=case_services.latest_consent_record_id(case),
        by=by,
    )


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_she_reads_who_recorded_her_consent_and_how_and_changes_it(personas) -> None:
    case, code = make_case(personas.ngo, consents=[])
    recorder = colleague(personas, "rana.staff.example", Role.CASEWORKER)
    _record_with_her(case, recorder, given=[("authorities", "incident")])
    her = _english(Client())
    _enter(her, code)
    page = her.get("/continue/page/").content.decode()
    assert "Your caseworker" in page and "By phone" in page
    assert "Someone was present as a witness." in page
    assert "The NGO may tell the authorities what happened and show the evidence, without my name." in page
    # Nobody's name reaches her page: neither the staff member's nor the witness's.
    assert recorder.username not in page and "Huda" not in page

    # She changes it with her code: her newest choice counts, and is kept as a record of its own.
    assert her.post("/continue/choices/", {"consents": ["services.incident"]}).status_code == 302
    given = {(c.audience, c.scope) for c in Consent.objects.filter(case=case, given=True)}
    assert given == {("services", "incident")}
    assert ConsentRecord.objects.filter(case=case, how="site", recorded_by__isnull=True).count() == 1
    # What staff recorded stays readable to her as a record of what she said then.
    assert "By phone" in her.get("/continue/page/").content.decode()


def test_a_supervisor_and_a_caregiver_are_named_by_role_only(personas) -> None:
    case, code = make_case(personas.ngo, consents=[], age_band="under_15")
    child = ChildConsent(age="12_14", agreement="assent", adult="caregiver")
    _record_with_her(case, personas.supervisor, given=[("services", "incident")], child=child)
    her = _english(Client())
    _enter(her, code)
    page = her.get("/continue/page/").content.decode()
    assert "A supervisor" in page and "Your caregiver agreed too." in page


def test_under_her_second_code_the_page_shows_no_recorded_consent(personas) -> None:
    case, code = make_case(personas.ngo, consents=[])
    _record_with_her(case, personas.caseworker, given=[("authorities", "incident"), ("authorities", "identity")])
    duress_code = _make_second_code(code)
    # A real new case where nothing was recorded, for comparison.
    _new_case, new_code = make_case(personas.ngo, consents=[])
    real, forced = Client(), Client()
    _enter(real, new_code)
    _enter(forced, duress_code)
    shown = forced.get("/continue/page/").content.decode()
    assert "سجّله" not in shown and 'authorities.incident" checked' not in shown
    assert _main_text(shown) == _main_text(real.get("/continue/page/").content.decode())
    # Her real page does show it.
    mine = Client()
    _enter(mine, code)
    assert _main_text(mine.get("/continue/page/").content.decode()) != _main_text(shown)
