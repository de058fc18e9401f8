"""Referrals of counted cases: pathways, recipients and outcomes, suppressed like cases."""

from __future__ import annotations

from django.utils import timezone

from amana.accounts.models import OrganisationKind
from amana.cases import services as case_services
from amana.cases.models import Audience, Case, Scope
from amana.insights.tests.conftest import counted_cases
from amana.referrals.models import Pathway, Referral, Status
from amana.referrals.tests.conftest import refer

PERIOD = {"first": "2025-01", "last": "2025-12"}


def test_it_counts_referrals_of_counted_cases_by_pathway_and_recipient(personas, login) -> None:
    month = timezone.localdate().replace(day=1)
    cases = counted_cases(personas.ngo, 6, month_reported=month)
    for case in cases:
        consents = [(Audience.AUTHORITIES, Scope.INCIDENT), (Audience.STATISTICS, Scope.INCIDENT)]
        case_services.set_consents(case=case, given=consents, by=None)
        refer(personas, case)
    Referral.objects.filter(case=cases[0]).update(status=Status.DECLINED)
    uncounted = counted_cases(personas.ngo, 1, consent=False, month_reported=month)[0]
    case_services.set_consents(case=uncounted, given=[(Audience.AUTHORITIES, Scope.INCIDENT)], by=None)
    refer(personas, uncounted)
    period = {"first": month.strftime("%Y-%m"), "last": month.strftime("%Y-%m")}
    result = login(personas.me_officer).get("/staff/insights/", period).context["result"]
    figures = result.figures
    pathway = next(t for t in figures.tables if t.key == "pathway")
    recipient = next(t for t in figures.tables if t.key == "recipient")
    assert pathway.total == recipient.total == 6
    assert pathway.count(Pathway.LIAISON, Status.SENT) == 5
    assert recipient.count(OrganisationKind.POLICE, Status.DECLINED) == 1
    assert figures.shown(recipient.cell_var(OrganisationKind.POLICE, Status.DECLINED)).primary
    assert Case.objects.count() == 7
    # Six cases with a referral each: enough for a median time to the first referral.
    assert result.timings[1].cases == 6
    assert result.timings[1].median_days is not None
