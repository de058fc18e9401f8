"""Reads for the community programme, always filtered by who asks.

Programme records belong to the organisation that runs them: a peace team records its own
forums and trainings; an M&E officer sees her own organisation's and those of the peace teams it
supports, and nothing of another organisation's. Removed records are left out everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, F, Model, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from amana.accounts.models import Organisation, OrganisationKind, Role, User
from amana.community.models import (
    STILL_OPEN,
    ActionPoint,
    ActionPointReview,
    Activity,
    AgeBand,
    Attendance,
    Correction,
    Forum,
    MemberTraining,
    MentorshipSession,
    PeaceTeam,
    PeaceTeamMember,
    Sex,
    VisitRequest,
    attendance_of,
)
from amana.vault import services as vault
from amana.vault.keyring import Keyring


def organisation_id_of(user: User) -> int:
    """Programme records belong to an organisation; staff without one see none of them."""
    if user.organisation_id is None:
        raise PermissionDenied
    return user.organisation_id


def programme_of(user: User) -> Q:
    """Whose records a person sees: a peace team its own; an M&E officer her NGO's and its teams'."""
    own = organisation_id_of(user)
    if user.has_role(Role.ME_OFFICER):
        return Q(organisation_id=own) | Q(organisation__peace_team__programme_id=own)
    return Q(organisation_id=own)


def forums_for(user: User) -> QuerySet[Forum]:
    return Forum.objects.current().filter(programme_of(user))


def get_forum_for(user: User, forum_id: int) -> Forum:
    return get_object_or_404(forums_for(user).prefetch_related("institutions", "topics"), pk=forum_id)


def action_points_for(user: User) -> QuerySet[ActionPoint]:
    return ActionPoint.objects.current().filter(forum__in=forums_for(user)).select_related("forum", "owner")


def get_action_point_for(user: User, action_point_id: int) -> ActionPoint:
    reviews = ActionPointReview.objects.select_related("forum")
    return get_object_or_404(
        action_points_for(user).prefetch_related(Prefetch("reviews", queryset=reviews)), pk=action_point_id
    )


def action_points_to_review(forum: Forum) -> QuerySet[ActionPoint]:
    """The action points of earlier forums that come up at this one: still open, or reviewed here."""
    reviews = ActionPointReview.objects.select_related("forum")
    return (
        ActionPoint.objects.current()
        .filter(
            forum__organisation_id=forum.organisation_id,
            forum__held_on__lte=forum.held_on,
            forum__removed_at__isnull=True,
        )
        .exclude(forum=forum)
        .filter(Q(status__in=STILL_OPEN) | Q(reviews__forum=forum))
        .distinct()
        .select_related("forum", "owner")
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .order_by("due_on", "pk")
    )


def activities_for(user: User) -> QuerySet[Activity]:
    return Activity.objects.current().filter(programme_of(user))


def get_activity_for(user: User, activity_id: int) -> Activity:
    return get_object_or_404(
        activities_for(user).prefetch_related("topics", "audiences", "materials", "scores"), pk=activity_id
    )


@dataclass(frozen=True)
class AttendanceRow:
    age_band: str
    label: str
    counts: list[int]
    total: int


@dataclass(frozen=True)
class AttendanceTable:
    """Attendance by age band (rows) and sex (columns), with totals."""

    sexes: list[str]
    rows: list[AttendanceRow]
    totals: list[int]
    total: int


def attendance_counts(target: Forum | Activity) -> dict[tuple[str, str], int]:
    return {(a.sex, a.age_band): a.count for a in Attendance.objects.filter(**attendance_of(target))}


def attendance_table(target: Forum | Activity) -> AttendanceTable:
    counts = attendance_counts(target)
    sexes = [value for value, _label in Sex.choices]
    rows = []
    for band, label in AgeBand.choices:
        row_counts = [counts.get((sex, band), 0) for sex in sexes]
        rows.append(AttendanceRow(age_band=band, label=str(label), counts=row_counts, total=sum(row_counts)))
    totals = [sum(row.counts[index] for row in rows) for index in range(len(sexes))]
    return AttendanceTable(sexes=[str(label) for _v, label in Sex.choices], rows=rows, totals=totals, total=sum(totals))


@dataclass(frozen=True)
class ScoreSummary:
    """What a training changed: average scores before and after, and the gain."""

    participants: int
    max_score: int
    average_before: Decimal
    average_after: Decimal
    gain: Decimal
    gain_percent_points: Decimal
    improved: int


def _one_decimal(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score_summary(activity: Activity) -> ScoreSummary | None:
    figures = activity.scores.aggregate(
        participants=Count("pk"),
        before=Avg("pre_score"),
        after=Avg("post_score"),
        improved=Count("pk", filter=Q(post_score__gt=F("pre_score"))),
    )
    if not figures["participants"]:
        return None
    before, after = _one_decimal(figures["before"]), _one_decimal(figures["after"])
    gain = _one_decimal(Decimal(str(figures["after"])) - Decimal(str(figures["before"])))
    return ScoreSummary(
        participants=figures["participants"],
        max_score=activity.max_score,
        average_before=before,
        average_after=after,
        gain=gain,
        gain_percent_points=_one_decimal(gain * 100 / activity.max_score),
        improved=figures["improved"],
    )


def teams_for(user: User) -> QuerySet[PeaceTeam]:
    """Programme officers see the teams their NGO supports; a CPT member sees their own team only."""
    teams = PeaceTeam.objects.select_related("organisation")
    if user.has_role(Role.ME_OFFICER):
        return teams.filter(programme_id=organisation_id_of(user))
    if user.has_role(Role.CPT_MEMBER):
        return teams.filter(organisation_id=organisation_id_of(user))
    return teams.none()


def get_team_for(user: User, team_id: int) -> PeaceTeam:
    return get_object_or_404(teams_for(user), pk=team_id)


def team_members(team: PeaceTeam) -> QuerySet[PeaceTeamMember]:
    trainings = MemberTraining.objects.select_related("topic", "activity")
    return (
        team.members.current().select_related("name_locker").prefetch_related(Prefetch("trainings", queryset=trainings))
    )


def team_sessions(team: PeaceTeam) -> QuerySet[MentorshipSession]:
    return team.sessions.current().prefetch_related("topics")


def open_names(members: Iterable[PeaceTeamMember], keyring: Keyring | None) -> dict[int, str | None]:
    """Each member's name, or None where this keyring cannot open it (no key, shredded, damaged)."""
    names: dict[int, str | None] = {}
    for member in members:
        try:
            if keyring is None:
                raise vault.NoKey
            names[member.pk] = vault.open_text(member.name_locker, bytes(member.name_sealed), keyring=keyring)
        except (vault.NoKey, vault.Shredded, vault.Tampered):
            names[member.pk] = None
    return names


def get_member_for(team: PeaceTeam, member_id: int) -> PeaceTeamMember:
    return get_object_or_404(team.members.current(), pk=member_id)


def get_session_for(team: PeaceTeam, session_id: int) -> MentorshipSession:
    return get_object_or_404(team.sessions.current().prefetch_related("topics"), pk=session_id)


def corrections_of(*targets: Model) -> QuerySet[Correction]:
    """The corrections of these records (of one kind each), oldest first, with who made them."""
    condition = Q(pk__in=[])
    for target in targets:
        condition |= Q(record_type=target._meta.model_name, record_id=target.pk)
    return Correction.objects.filter(condition).select_related("corrected_by")


def organisations_without_team() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.CPT, peace_team__isnull=True)


def cases_received(team: PeaceTeam) -> int | None:
    """How many cases the team recorded and handed on; None while case handling is not installed.

    Only a number: nothing here leads to a case, let alone to who she is.
    """
    if not apps.is_installed("amana.cases"):
        return None
    case_model = apps.get_model("cases", "Case")
    return int(case_model.objects.filter(recorded_by__organisation_id=team.organisation_id).count())


def visits_for(user: User) -> QuerySet[VisitRequest]:
    """A peace team sees the visits asked of it; the NGO's case handlers those their organisation asked for."""
    own = organisation_id_of(user)
    visits = VisitRequest.objects.select_related("locker", "team__organisation")
    if user.has_role(Role.CPT_MEMBER):
        return visits.filter(team__organisation_id=own)
    if user.has_role(Role.CASEWORKER) or user.has_role(Role.SUPERVISOR):
        return visits.filter(case__organisation_id=own).select_related("case")
    return visits.none()


def get_visit_for(user: User, reference: str) -> VisitRequest:
    return get_object_or_404(visits_for(user), reference=reference)


@dataclass(frozen=True)
class OpenVisit:
    visit: VisitRequest
    brief: str | None
    outcome: str | None


def open_visits(visits: Iterable[VisitRequest], keyring: Keyring) -> list[OpenVisit]:
    """Each visit's brief and outcome, opened with the reader's keys (None where they cannot open it)."""

    def opened(visit: VisitRequest, sealed: bytes | None) -> str | None:
        if sealed is None:
            return None
        try:
            return vault.open_text(visit.locker, bytes(sealed), keyring=keyring)
        except (vault.NoKey, vault.Shredded, vault.Tampered):
            return None

    return [OpenVisit(v, opened(v, v.brief_sealed), opened(v, v.outcome_sealed)) for v in visits]


def teams_supported_by(user: User) -> QuerySet[PeaceTeam]:
    return PeaceTeam.objects.filter(programme_id=organisation_id_of(user)).select_related("organisation")
