"""The tables of a release: what each counts, its rows and columns, and their HXL hashtags.

One list serves both sides: making a release computes a protected value for every cell listed here
(empty cells included, so that an absent cell never tells that no one is in it), and every page
and export lays out the same tables from the released values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import OrganisationKind
from amana.cases.models import AgeBand, Channel, District, Platform
from amana.community.models import AgeBand as TrainedAgeBand
from amana.community.models import Sex
from amana.insights.gbvims import STRUCTURAL_TYPES, IncidentType, TechnologyContext
from amana.referrals.models import Pathway
from amana.referrals.models import Status as ReferralStatus

# Groups: which records a table counts (and so which release population it belongs to).
CASES = "cases"
REPLIES = "replies"
REFERRALS = "referrals"
PROGRAMME = "programme"


@dataclass(frozen=True)
class Heading:
    key: str
    label: Promise | str
    hxl: str = ""


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NOT_URGENT = "not_urgent", _("Not urgent")


class Delay(models.TextChoices):
    SAME_DAY = "d0", _("The same day")
    ONE_TO_TWO = "d1_2", _("1 to 2 days")
    THREE_TO_SEVEN = "d3_7", _("3 to 7 days")
    EIGHT_TO_FOURTEEN = "d8_14", _("8 to 14 days")
    FIFTEEN_TO_THIRTY = "d15_30", _("15 to 30 days")
    LONGER = "d31_plus", _("More than 30 days")


# The first day of each delay band, in the order of the choices.
DELAY_STARTS = (0, 1, 3, 8, 15, 31)


class Score(models.TextChoices):
    BEFORE = "pre", _("Before the training")
    AFTER = "post", _("After the training")


class Programme(models.TextChoices):
    FORUMS = "forums", _("Community Security Forums held")
    AGREED = "agreed", _("Action points agreed at them")
    DONE = "done", _("Of these, completed")
    OVERDUE = "overdue", _("Of these, still open past their due date")
    TRAININGS = "trainings", _("Trainings held")
    EVENTS = "events", _("Awareness events held")


def _headings(choices: type[models.TextChoices], hxl: str = "") -> list[Heading]:
    return [Heading(str(value), label, hxl.format(value=value) if hxl else "") for value, label in choices.choices]


DECILES = [Heading(str(tenth), f"{tenth * 10}-{tenth * 10 + 9 if tenth < 9 else 100}%") for tenth in range(10)]
ONE = [Heading("", _("Number"))]


@dataclass(frozen=True)
class TableSpec:
    """One released table.

    ``monthly`` tables have one row per month and a column per category; the others add their
    months up into one grid of ``rows`` by ``columns``. ``by_area`` tables are also released for
    each district. ``people`` is the HXL hashtag of the people counted.
    """

    key: str
    title: Promise
    group: str
    columns: list[Heading]
    rows: list[Heading] = field(default_factory=list)
    monthly: bool = False
    by_area: bool = False
    people: str = "#affected+f+num"
    row_hxl: str = ""
    exact: bool = False
    structural_rows: frozenset[str] = frozenset()

    def cells(self) -> list[tuple[str, str]]:
        return [(row.key, column.key) for row in (self.rows or [Heading("", "")]) for column in self.columns]

    def structural(self, row: str, column: str) -> bool:
        return row in self.structural_rows


def specs() -> list[TableSpec]:
    """Every released table, in the order pages and exports show them."""
    return [
        TableSpec("cases", _("Cases reported per month"), CASES, ONE, monthly=True, by_area=True),
        TableSpec(
            "channel",
            _("Cases reported per month, by channel"),
            CASES,
            _headings(Channel, "#affected+f+num+channel_{value}"),
            monthly=True,
            by_area=True,
        ),
        TableSpec(
            "platform",
            _("Cases reported per month, by platform"),
            CASES,
            _headings(Platform, "#affected+f+num+platform_{value}"),
            monthly=True,
            by_area=True,
        ),
        TableSpec(
            "district",
            _("Cases reported per month, by district"),
            CASES,
            _headings(District, "#affected+f+num+adm2_{value}"),
            monthly=True,
        ),
        TableSpec(
            "age_band",
            _("Cases reported per month, by age band"),
            CASES,
            _headings(AgeBand, "#affected+f+num+age_{value}"),
            monthly=True,
            by_area=True,
        ),
        TableSpec(
            "urgent",
            _("Urgent cases reported per month"),
            CASES,
            _headings(Urgency, "#affected+f+num+{value}"),
            monthly=True,
            by_area=True,
        ),
        TableSpec(
            "incident_type",
            _("Cases by GBVIMS incident type and technology-facilitated context"),
            CASES,
            _headings(TechnologyContext, "#affected+f+num+tfgbv_{value}"),
            rows=_headings(IncidentType),
            row_hxl="#indicator+gbvims+type",
            by_area=True,
            structural_rows=STRUCTURAL_TYPES,
        ),
        TableSpec(
            "repeat",
            _("Cases whose extortionist is named in another case too"),
            CASES,
            [Heading("", _("Cases"), "#affected+f+num+repeat")],
            by_area=True,
        ),
        TableSpec(
            "response",
            _("Time from the report to the first reply"),
            REPLIES,
            [Heading("", _("Cases"), "#affected+f+num+replied")],
            rows=_headings(Delay),
            row_hxl="#indicator+delay",
            people="#affected+f+num+replied",
        ),
        TableSpec(
            "first_referral",
            _("Time from the report to the first referral"),
            REFERRALS,
            [Heading("", _("Cases"), "#affected+f+num+referred")],
            rows=_headings(Delay),
            row_hxl="#indicator+delay",
            people="#affected+f+num+referred",
        ),
        TableSpec(
            "pathway",
            _("Survivors referred, by pathway and where each referral stands"),
            REFERRALS,
            _headings(ReferralStatus, "#affected+f+num+referred+status_{value}"),
            rows=_headings(Pathway),
            row_hxl="#indicator+pathway",
            people="#affected+f+num+referred",
        ),
        TableSpec(
            "recipient",
            _("Survivors referred, by type of recipient and where each referral stands"),
            REFERRALS,
            _headings(ReferralStatus, "#affected+f+num+referred+status_{value}"),
            rows=_headings(OrganisationKind),
            row_hxl="#org+type",
            people="#affected+f+num+referred",
        ),
        TableSpec(
            "trained",
            _("People trained, by sex and age band"),
            PROGRAMME,
            _headings(TrainedAgeBand, "#reached+num+age_{value}"),
            rows=_headings(Sex),
            row_hxl="#indicator+sex",
            people="#reached+num",
        ),
        TableSpec(
            "knowledge",
            _("Knowledge scores before and after training (people per tenth of the highest score)"),
            PROGRAMME,
            [Heading(d.key, d.label, f"#reached+num+score_{d.key}") for d in DECILES],
            rows=_headings(Score),
            row_hxl="#indicator+test",
            people="#reached+num",
        ),
        TableSpec(
            "programme",
            _("Community programme"),
            PROGRAMME,
            [Heading("", _("Number"), "#output+num")],
            rows=_headings(Programme),
            row_hxl="#indicator+activity",
            people="#output+num",
            exact=True,
        ),
    ]


def spec(key: str) -> TableSpec:
    return next(table for table in specs() if table.key == key)


def areas() -> list[str]:
    return ["", *District.values]
