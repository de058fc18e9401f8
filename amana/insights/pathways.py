"""Referrals of the counted cases: the pathway taken and what became of each, by recipient type.

A referral belongs to a case, so only referrals of cases whose survivor agreed to be counted are
counted, and the counts are suppressed like cases (one woman can be one referral).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import OrganisationKind
from amana.cases.models import Case
from amana.insights.tables import Heading, Table
from amana.insights.timing import times_until_first
from amana.referrals.models import Pathway, Referral, Status

REFERRALS = "referrals"


def _statuses() -> list[Heading]:
    return [Heading(str(value), str(label), f"+status_{value}") for value, label in Status.choices]


def referral_tables(cases: models.QuerySet[Case]) -> list[Table]:
    """Referrals by pathway and by recipient type, each against their status now."""
    referrals = Referral.objects.filter(case__in=cases.values("pk"))
    by_pathway = {
        (row["pathway"], row["status"]): row["n"]
        for row in referrals.values("pathway", "status").annotate(n=Count("pk")).order_by()
    }
    by_recipient = {
        (row["organisation__kind"], row["status"]): row["n"]
        for row in referrals.values("organisation__kind", "status").annotate(n=Count("pk")).order_by()
    }
    return [
        Table(
            key="pathway",
            title=str(_("Referrals by pathway taken, and where each stands")),
            group=REFERRALS,
            row_heading=Heading("pathway", str(_("Pathway")), "#service+pathway"),
            rows=[Heading(str(value), str(label)) for value, label in Pathway.choices],
            columns=_statuses(),
            counts=by_pathway,
        ),
        Table(
            key="recipient",
            title=str(_("Referrals by type of recipient: accepted, declined and done")),
            group=REFERRALS,
            row_heading=Heading("recipient", str(_("Recipient")), "#org+type"),
            # Every kind, so that both tables count every referral and share one total.
            rows=[Heading(str(value), str(label)) for value, label in OrganisationKind.choices],
            columns=_statuses(),
            counts=by_recipient,
        ),
    ]


def times_to_referral(cases: models.QuerySet[Case]) -> list[timedelta]:
    """From the report to the first referral made for her."""
    return times_until_first(cases, Referral.objects.all())
