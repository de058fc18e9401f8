"""A stored choice shows its label in the reader's language, and a value no longer offered as itself."""

from __future__ import annotations

from django.utils import translation

from amana.cases.models import AgeBand, Case, Channel, District, ForWhom, RiskLevel, Status
from amana.channel.tests.conftest import make_case
from amana.referrals.models import Pathway, Referral


def test_a_choice_reads_in_the_active_language_as_django_would_show_it() -> None:
    case = Case(channel=Channel.HOTLINE, status=Status.IN_PROGRESS, risk_level="")
    for language in ("ar", "en", "ckb"):
        with translation.override(language):
            assert case.get_channel_display() == str(Channel.HOTLINE.label)
            assert case.get_status_display() == str(Status.IN_PROGRESS.label)
            assert case.get_risk_level_display() == str(RiskLevel("").label)
    with translation.override("ar"):
        assert case.get_status_display() != "In progress"


def test_every_choice_of_a_case_or_referral_reads_as_its_label() -> None:
    case = Case(district=District.QAYYARAH, age_band=AgeBand.UNDER_15, for_whom=ForWhom.SELF)
    referral = Referral(pathway=Pathway.LIAISON)
    with translation.override("ar"):
        assert case.get_district_display() == str(District.QAYYARAH.label)
        assert case.get_age_band_display() == str(AgeBand.UNDER_15.label)
        assert case.get_for_whom_display() == str(ForWhom.SELF.label)
        assert referral.get_pathway_display() == str(Pathway.LIAISON.label)
        assert referral.get_pathway_display() != "Liaison without identity"


def test_a_value_no_longer_offered_shows_as_itself() -> None:
    assert Case(risk_level="retired-level").get_risk_level_display() == "retired-level"


def test_flags_name_only_what_the_case_has(personas) -> None:
    made, _code = make_case(personas.ngo)
    Case.objects.filter(pk=made.pk).update(danger_now=True, awaiting_reply=True, risk_level=RiskLevel.HIGH)
    case = Case.objects.get(pk=made.pk)
    case.overdue = True  # type: ignore[attr-defined]  # as cases.selectors.mark_overdue marks a page
    with translation.override("en"):
        assert case.attention == [
            ("urgent", "In danger now"),
            ("urgent", "High risk"),
            ("overdue", "Overdue"),
            ("", "Waiting for a reply"),
        ]
