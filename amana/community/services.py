"""Writes for the community programme; each records itself in the audit log (never any content)."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.models import Organisation, OrganisationKind, User
from amana.audit.services import record
from amana.community.models import (
    STILL_OPEN,
    ActionPoint,
    ActionPointReview,
    Activity,
    Attendance,
    Audience,
    Concern,
    Correction,
    CorrectionKind,
    Forum,
    Institution,
    KnowledgeScore,
    MaterialHandedOut,
    MemberTraining,
    MentorshipSession,
    PeaceTeam,
    PeaceTeamMember,
    Removable,
    Topic,
    VisitRequest,
    VisitStatus,
    attendance_of,
)
from amana.community.sheets import Sheet
from amana.vault import services as vault
from amana.vault.models import Compartment

AttendanceTarget = Forum | Activity
CatalogueModel = type[Topic] | type[Audience] | type[Institution]


class ReviewNotAllowed(ValueError):
    """An action point can only be reviewed, once, at a later forum of the same organisation."""


class SheetHasProblems(ValueError):
    """A sheet with invalid rows is never imported, not even in part."""


def _organisation(actor: User) -> Organisation:
    """The organisation that runs what the actor records."""
    if actor.organisation is None:
        raise ValueError("Programme records are made by staff of an organisation.")
    return actor.organisation


@transaction.atomic
def create_forum(
    *,
    actor: User,
    held_on: date,
    place: str,
    facilitator: str,
    area: str = "",
    institutions: Iterable[Institution] = (),
    topics: Iterable[Topic] = (),
) -> Forum:
    forum = Forum.objects.create(
        organisation=_organisation(actor),
        held_on=held_on,
        place=place,
        area=area,
        facilitator=facilitator,
        created_by=actor,
    )
    forum.institutions.set(institutions)
    forum.topics.set(topics)
    record(actor=actor, action="community.forum.created", target=forum)
    return forum


@transaction.atomic
def add_concern(*, actor: User, forum: Forum, text: str) -> Concern:
    concern = Concern.objects.create(forum=forum, text=text)
    record(actor=actor, action="community.concern.added", target=concern)
    return concern


@transaction.atomic
def add_action_point(*, actor: User, forum: Forum, text: str, owner: Institution, due_on: date) -> ActionPoint:
    action_point = ActionPoint.objects.create(forum=forum, text=text, owner=owner, due_on=due_on)
    record(actor=actor, action="community.action_point.added", target=action_point)
    return action_point


@transaction.atomic
def review_action_point(
    *, actor: User, action_point: ActionPoint, forum: Forum, status: str, note: str
) -> ActionPointReview:
    """Record the progress on an open action point at a later forum, and take on its new status.

    Steps: lock the action point, check that it is still open, that the forum is a later one of
    the same organisation and that it was not yet reviewed there; then save the review and the
    new status together.
    """
    action_point = ActionPoint.objects.select_for_update().select_related("forum").get(pk=action_point.pk)
    earlier = action_point.forum
    if forum.organisation_id != earlier.organisation_id or forum.pk == earlier.pk or forum.held_on < earlier.held_on:
        raise ReviewNotAllowed("An action point is reviewed at a later forum of the same organisation.")
    if action_point.status not in STILL_OPEN:
        raise ReviewNotAllowed("This action point is already closed.")
    if ActionPointReview.objects.filter(action_point=action_point, forum=forum).exists():
        raise ReviewNotAllowed("This action point was already reviewed at this forum.")
    review = ActionPointReview.objects.create(
        action_point=action_point, forum=forum, status=status, note=note, reviewed_by=actor
    )
    action_point.status = status
    action_point.save(update_fields=["status"])
    record(actor=actor, action="community.action_point.reviewed", target=action_point)
    return review


@transaction.atomic
def set_attendance(*, actor: User, target: AttendanceTarget, counts: Mapping[tuple[str, str], int]) -> None:
    """Replace the attendance of a forum or an activity with counts per (sex, age band)."""
    where = attendance_of(target)
    Attendance.objects.filter(**where).delete()
    Attendance.objects.bulk_create(
        Attendance(sex=sex, age_band=age_band, count=count, **where)
        for (sex, age_band), count in sorted(counts.items())
        if count > 0
    )
    record(actor=actor, action="community.attendance.set", target=target)


@transaction.atomic
def import_attendance(*, actor: User, target: AttendanceTarget, sheet: Sheet) -> int:
    """Replace the attendance (and, for a training, the scores the sheet carries) from a checked sheet.

    Importing the same sheet twice gives the same figures, not twice as many. Returns the number
    of participants read.
    """
    if sheet.problems:
        raise SheetHasProblems("A sheet with invalid rows is not imported.")
    counts = Counter((row.sex, row.age_band) for row in sheet.rows)
    set_attendance(actor=actor, target=target, counts=counts)
    if sheet.has_scores and isinstance(target, Activity):
        pairs = [(row.pre_score, row.post_score) for row in sheet.rows if row.pre_score is not None]
        set_scores(actor=actor, activity=target, pairs=pairs)  # type: ignore[arg-type]  # both set together
    record(actor=actor, action="community.attendance.imported", target=target)
    return len(sheet.rows)


@transaction.atomic
def create_activity(
    *,
    actor: User,
    kind: str,
    title: str,
    held_on: date,
    place: str,
    area: str = "",
    facilitator: str = "",
    topics: Iterable[Topic] = (),
    audiences: Iterable[Audience] = (),
    max_score: int = 10,
) -> Activity:
    activity = Activity.objects.create(
        organisation=_organisation(actor),
        kind=kind,
        title=title,
        held_on=held_on,
        place=place,
        area=area,
        facilitator=facilitator,
        max_score=max_score,
        created_by=actor,
    )
    activity.topics.set(topics)
    activity.audiences.set(audiences)
    record(actor=actor, action="community.activity.created", target=activity)
    return activity


@transaction.atomic
def set_scores(*, actor: User, activity: Activity, pairs: Iterable[tuple[int, int]]) -> None:
    """Replace a training's knowledge scores; participants are numbered in the order given."""
    pairs = list(pairs)
    if any(not (0 <= score <= activity.max_score) for pair in pairs for score in pair):
        raise ValueError("A score lies outside the training's scale.")
    KnowledgeScore.objects.filter(activity=activity).delete()
    KnowledgeScore.objects.bulk_create(
        KnowledgeScore(activity=activity, seat=seat, pre_score=pre, post_score=post)
        for seat, (pre, post) in enumerate(pairs, start=1)
    )
    record(actor=actor, action="community.scores.set", target=activity)


@transaction.atomic
def add_material(
    *, actor: User, activity: Activity, material: str, quantity: int, description: str = ""
) -> MaterialHandedOut:
    handed_out = MaterialHandedOut.objects.create(
        activity=activity, material=material, quantity=quantity, description=description
    )
    record(actor=actor, action="community.material.added", target=handed_out)
    return handed_out


@transaction.atomic
def add_catalogue_entry(*, actor: User, model: CatalogueModel, name: str) -> Topic | Audience | Institution:
    entry = model.objects.create(name=name)
    record(actor=actor, action="community.catalogue.added", target=entry)
    return entry


class TeamNotAllowed(ValueError):
    """A peace team is made for an organisation of kind CPT that has no team yet."""


@transaction.atomic
def create_team(*, actor: User, organisation: Organisation, area: str, formed_on: date | None = None) -> PeaceTeam:
    """A peace team for a CPT organisation, supported by the creating officer's NGO."""
    if organisation.kind != OrganisationKind.CPT or PeaceTeam.objects.filter(organisation=organisation).exists():
        raise TeamNotAllowed("A peace team needs a Community Peace Team organisation without a team.")
    team = PeaceTeam.objects.create(
        organisation=organisation, programme=_organisation(actor), area=area, formed_on=formed_on
    )
    record(actor=actor, action="community.team.created", target=team)
    return team


@transaction.atomic
def add_member(*, actor: User, team: PeaceTeam, name: str, role: str, joined_on: date | None = None) -> PeaceTeamMember:
    """Add a member whose name is sealed to the team and to the programme's NGO, and to no one else."""
    locker = vault.create_locker(compartment=Compartment.IDENTITY, holders=[team.organisation, team.programme])
    member = PeaceTeamMember.objects.create(
        team=team, name_locker=locker, name_sealed=vault.seal(locker, name), role=role, joined_on=joined_on
    )
    record(actor=actor, action="community.team_member.added", target=member)
    return member


@transaction.atomic
def record_member_training(
    *, actor: User, member: PeaceTeamMember, topic: Topic, completed_on: date, activity: Activity | None = None
) -> MemberTraining:
    training = MemberTraining.objects.create(member=member, topic=topic, completed_on=completed_on, activity=activity)
    record(actor=actor, action="community.team_member.trained", target=member)
    return training


@transaction.atomic
def record_mentorship(
    *,
    actor: User,
    team: PeaceTeam,
    held_on: date,
    mentor: str,
    topics: Iterable[Topic],
    members_present: int,
    notes: str = "",
) -> MentorshipSession:
    session = MentorshipSession.objects.create(
        team=team, held_on=held_on, mentor=mentor, members_present=members_present, notes=notes, created_by=actor
    )
    session.topics.set(topics)
    record(actor=actor, action="community.mentorship.recorded", target=session)
    return session


# Corrections and removals ---------------------------------------------------------------------


class CorrectionRefused(ValueError):
    """A correction or removal that cannot be made; the message says why, for the person making it."""


class NothingToCorrect(CorrectionRefused):
    """The correction changes nothing; nothing is recorded."""


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CorrectionRefused(_("Give the reason: every correction keeps why it was made."))
    return reason


def _log(*, actor: User, target: models.Model, kind: str, reason: str, fields: Iterable[str] = ()) -> Correction:
    """Keep the reason beside the record and the event in the audit chain, in the same transaction."""
    name = target._meta.model_name or ""
    correction = Correction.objects.create(
        record_type=name, record_id=target.pk, kind=kind, fields=sorted(fields), reason=reason, corrected_by=actor
    )
    record(actor=actor, action=f"community.{name}.{kind}", target=target)
    return correction


def _apply(target: models.Model, changes: Mapping[str, Any]) -> list[str]:
    """Set the changed fields (plain and many-to-many) and return their names; saves the plain ones."""
    changed, plain = [], []
    for name, value in changes.items():
        field = target._meta.get_field(name)
        if field.many_to_many:
            related = getattr(target, name)
            if {item.pk for item in related.all()} != {item.pk for item in value}:
                related.set(value)
                changed.append(name)
        elif getattr(target, name) != value:
            setattr(target, name, value)
            changed.append(name)
            plain.append(name)
    if plain:
        target.save(update_fields=plain)
    return changed


@transaction.atomic
def correct_record(*, actor: User, target: models.Model, changes: Mapping[str, Any], reason: str) -> Correction:
    """Correct a forum, an action point, an activity or a mentorship session, with a reason.

    Steps: refuse without a reason; apply what differs; refuse when nothing differs; keep the
    reason and the names of the changed fields, and write the audit entry.
    """
    reason = _reason(reason)
    if (
        isinstance(target, Activity)
        and "max_score" in changes
        and target.scores.filter(
            models.Q(pre_score__gt=changes["max_score"]) | models.Q(post_score__gt=changes["max_score"])
        ).exists()
    ):
        raise CorrectionRefused(_("Recorded scores are higher than the new highest possible score."))
    changed = _apply(target, changes)
    if not changed:
        raise NothingToCorrect(_("Nothing was changed."))
    return _log(actor=actor, target=target, kind=CorrectionKind.CORRECTED, reason=reason, fields=changed)


@transaction.atomic
def correct_attendance(
    *, actor: User, target: AttendanceTarget, counts: Mapping[tuple[str, str], int], reason: str
) -> Correction:
    """Replace recorded attendance with corrected counts, keeping why."""
    reason = _reason(reason)
    before = {(a.sex, a.age_band): a.count for a in Attendance.objects.filter(**attendance_of(target))}
    if before == {key: count for key, count in counts.items() if count > 0}:
        raise NothingToCorrect(_("Nothing was changed."))
    set_attendance(actor=actor, target=target, counts=counts)
    return _log(actor=actor, target=target, kind=CorrectionKind.CORRECTED, reason=reason, fields=["attendance"])


@transaction.atomic
def correct_member(
    *, actor: User, member: PeaceTeamMember, reason: str, role: str, joined_on: date | None, name: str = ""
) -> Correction:
    """Correct a member's role or date of joining, and re-seal the name when a new one is given."""
    reason = _reason(reason)
    changed = _apply(member, {"role": role, "joined_on": joined_on})
    if name:
        member.name_sealed = vault.seal(member.name_locker, name)
        member.save(update_fields=["name_sealed"])
        changed.append("name")
    if not changed:
        raise NothingToCorrect(_("Nothing was changed."))
    return _log(actor=actor, target=member, kind=CorrectionKind.CORRECTED, reason=reason, fields=changed)


def record_day(target: Removable) -> date:
    """The day a record counts for in monthly figures."""
    if isinstance(target, ActionPoint):
        return target.forum.held_on
    if isinstance(target, PeaceTeamMember):
        return target.joined_on or timezone.localdate(target.created_at)
    return target.held_on  # type: ignore[attr-defined]  # forums, activities and sessions have one


def may_be_counted_by_released_figures(day: date) -> bool:
    """Figures are released for closed months only: a record of an earlier month may be in them."""
    return day < timezone.localdate().replace(day=1)


def _refuse_if_reviews_depend_on(forum: Forum) -> None:
    """A forum whose reviews carry other forums' action points cannot vanish without losing their history."""
    if ActionPointReview.objects.filter(forum=forum).exclude(action_point__forum=forum).exists() or (
        ActionPointReview.objects.filter(action_point__forum=forum).exclude(forum=forum).exists()
    ):
        raise CorrectionRefused(
            _("Action points were reviewed across this forum and others, so it cannot be removed. Correct it instead.")
        )


@transaction.atomic
def remove_record(*, actor: User, target: Removable, reason: str) -> Correction:
    """Remove a record added by mistake (a duplicate forum, a member added by mistake).

    Steps: refuse without a reason, or when other forums' reviews rest on a forum; shred a
    member's name; hide the record when released figures may have counted it, delete it
    otherwise; keep the reason and write the audit entry.
    """
    reason = _reason(reason)
    if isinstance(target, Forum):
        _refuse_if_reviews_depend_on(target)
    if isinstance(target, PeaceTeamMember):
        # A name entered by mistake is destroyed either way; figures never needed it.
        vault.shred(locker=target.name_locker, by=actor, reason="peace-team member removed")
    if may_be_counted_by_released_figures(record_day(target)):
        target.removed_at = timezone.now()
        target.save(update_fields=["removed_at"])
        return _log(actor=actor, target=target, kind=CorrectionKind.REMOVED, reason=reason)
    correction = _log(actor=actor, target=target, kind=CorrectionKind.DELETED, reason=reason)
    target.delete()
    return correction


# Follow-up visits by a peace team ------------------------------------------------------------


class VisitRefused(ValueError):
    """A visit that cannot be asked for or recorded; the message says why."""


def _visit_reference() -> str:
    while True:
        raw = secrets.token_hex(4).upper()
        reference = f"V{raw[:4]}-{raw[4:7]}"
        if not VisitRequest.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def request_visit(
    *, case: Any, team: PeaceTeam, contact_methods: Iterable[str], brief: str, due_on: date, by: User
) -> VisitRequest:
    """Ask a peace team for a follow-up visit on a case whose survivor chose that contact.

    Steps: refuse unless her safe-contact plan (opened by the caller) names a peace team and the
    team is one this NGO supports; seal the brief in a locker of the NGO and the team only; audit.
    The team is given nothing of the case itself.
    """
    if "peace_team" not in set(contact_methods):
        raise VisitRefused(_("She did not choose to be contacted through a peace team, so no visit can be asked for."))
    if team.programme_id != case.organisation_id:
        raise VisitRefused(_("Choose a peace team your organisation supports."))
    locker = vault.create_locker(compartment=Compartment.MESSAGES, holders=[case.organisation, team.organisation])
    visit = VisitRequest.objects.create(
        case=case,
        team=team,
        reference=_visit_reference(),
        locker=locker,
        brief_sealed=vault.seal(locker, brief),
        due_on=due_on,
        requested_by=by,
    )
    record(actor=by, action="community.visit.requested", target=visit)
    return visit


@transaction.atomic
def record_visit(*, visit: VisitRequest, status: str, note: str, by: User) -> None:
    """The team says how the visit went; the note is sealed to the NGO and the team."""
    visit = VisitRequest.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.REQUESTED:
        raise VisitRefused(_("This visit was already recorded."))
    visit.status = status
    visit.outcome_sealed = vault.seal(visit.locker, note)
    visit.recorded_by = by
    visit.recorded_at = timezone.now()
    visit.save(update_fields=["status", "outcome_sealed", "recorded_by", "recorded_at"])
    record(actor=by, action="community.visit.recorded", target=visit)
