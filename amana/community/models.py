"""The community programme: security forums and their action points, trainings and awareness
events, attendance counted without names, and Community Peace Teams.

Nothing here identifies a survivor. Forum concerns are anonymous; peace-team member names are the
only personal data, and they are sealed by the vault.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation
from amana.community.catalogue import BUILT_IN_AUDIENCES, BUILT_IN_INSTITUTIONS, BUILT_IN_TOPICS
from amana.vault.models import Locker


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    AGE_18_24 = "18_24", _("18 to 24")
    AGE_25_39 = "25_39", _("25 to 39")
    AGE_40_59 = "40_59", _("40 to 59")
    AGE_60_PLUS = "60_plus", _("60 and over")


# The youngest age of each band, in order; an age belongs to the last band it reaches.
AGE_BAND_STARTS: list[tuple[int, str]] = [
    (0, AgeBand.UNDER_18),
    (18, AgeBand.AGE_18_24),
    (25, AgeBand.AGE_25_39),
    (40, AgeBand.AGE_40_59),
    (60, AgeBand.AGE_60_PLUS),
]


class CatalogueEntry(models.Model):
    """An entry of a catalogue: built in (stored by key, named in every language) or added by staff."""

    BUILT_IN: dict[str, Promise] = {}

    key = models.SlugField(max_length=50, unique=True, null=True, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        built_in = self.BUILT_IN.get(self.key or "")
        return str(built_in) if built_in is not None else self.name


class Topic(CatalogueEntry):
    BUILT_IN = BUILT_IN_TOPICS

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("topic")


class Audience(CatalogueEntry):
    BUILT_IN = BUILT_IN_AUDIENCES

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("audience")


class Institution(CatalogueEntry):
    """A duty-bearer institution (or other body) that attends forums and owns action points."""

    BUILT_IN = BUILT_IN_INSTITUTIONS

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("institution")


class RemovableQuerySet(models.QuerySet[Any]):
    def current(self) -> RemovableQuerySet:
        """What is not removed: the records every page and figure reads."""
        return self.filter(removed_at__isnull=True)


class Removable(models.Model):
    """A record that can be removed with a reason.

    A record that released figures may have counted is only hidden (``removed_at`` set), so that a
    released month can still be explained; any other is deleted for real.
    """

    removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RemovableQuerySet.as_manager()

    class Meta:
        abstract = True


class Forum(Removable):
    """A Community Security Forum: women and duty bearers meeting, planned or held."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    area = models.CharField(_("area"), max_length=120, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=200)
    institutions = models.ManyToManyField(Institution, blank=True, related_name="forums")
    topics = models.ManyToManyField(Topic, blank=True, related_name="forums")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


class Concern(models.Model):
    """A concern raised at a forum, anonymous, in the women's own words."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="concerns")
    text = models.TextField(_("concern"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"concern {self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


STILL_OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionPoint(Removable):
    """Agreed at one forum and followed at the later ones until it is done or dropped."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="action_points")
    text = models.TextField(_("action point"), max_length=1000)
    owner = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="action_points")
    due_on = models.DateField(_("due date"))
    # The latest status; each change is also kept as a review, so the history stays whole.
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"action point {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in STILL_OPEN

    @property
    def latest_note(self) -> str:
        """The progress note of the latest review (reviews prefetched in forum order)."""
        reviews = list(self.reviews.all())
        return reviews[-1].note if reviews else ""


class ActionPointReview(models.Model):
    """The progress on an action point as reviewed at a later forum."""

    action_point = models.ForeignKey(ActionPoint, on_delete=models.CASCADE, related_name="reviews")
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices)
    note = models.TextField(_("progress note"), max_length=2000)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["forum__held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action_point", "forum"], name="one_review_per_action_point_and_forum")
        ]

    def __str__(self) -> str:
        return f"review {self.pk}"


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Training")
    AWARENESS_EVENT = "awareness_event", _("Awareness event")


class Activity(Removable):
    """A training or an awareness event (a festival, a campaign day)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    area = models.CharField(_("area"), max_length=120, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    # The topics of a training, or the themes of an awareness event.
    topics = models.ManyToManyField(Topic, blank=True, related_name="activities")
    audiences = models.ManyToManyField(Audience, blank=True, related_name="activities")
    max_score = models.PositiveSmallIntegerField(_("highest possible knowledge score"), default=10)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(max_score__gte=1), name="activity_max_score_positive")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_training(self) -> bool:
        return self.kind == ActivityKind.TRAINING


class Attendance(models.Model):
    """How many people of one sex and age band attended a forum or an activity. Never names."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, null=True, blank=True, related_name="attendance")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="attendance")
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    count = models.PositiveIntegerField(_("number of people"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(forum__isnull=False, activity__isnull=True) | Q(forum__isnull=True, activity__isnull=False),
                name="attendance_of_one_forum_or_activity",
            ),
            models.UniqueConstraint(fields=["forum", "sex", "age_band"], name="one_count_per_forum_group"),
            models.UniqueConstraint(fields=["activity", "sex", "age_band"], name="one_count_per_activity_group"),
        ]

    def __str__(self) -> str:
        return f"{self.sex} {self.age_band}: {self.count}"


def attendance_of(target: Forum | Activity) -> dict[str, Any]:
    """The lookup that selects the attendance of a forum or of an activity."""
    return {"forum": target} if isinstance(target, Forum) else {"activity": target}


class KnowledgeScore(models.Model):
    """One participant's scores before and after a training, under a number instead of a name."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="scores")
    seat = models.PositiveIntegerField(_("participant number"))
    pre_score = models.PositiveSmallIntegerField(_("score before"))
    post_score = models.PositiveSmallIntegerField(_("score after"))

    class Meta:
        ordering = ["seat"]
        constraints = [models.UniqueConstraint(fields=["activity", "seat"], name="one_score_per_seat")]

    def __str__(self) -> str:
        return f"{self.seat}: {self.pre_score} -> {self.post_score}"


class Material(models.TextChoices):
    HOTLINE_CARD = "hotline_card", _("Hotline cards")
    LEAFLET = "leaflet", _("Leaflets")
    POSTER = "poster", _("Posters")
    OTHER = "other", _("Other materials")


class MaterialHandedOut(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="materials")
    material = models.CharField(_("material"), max_length=20, choices=Material.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.material} x{self.quantity}"


class PeaceTeam(models.Model):
    """A Community Peace Team: young women and men of one area, supported by the programme's NGO.

    The team is also an organisation (of kind CPT), so that its members can sign in and hold keys.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="peace_team")
    # The NGO that supports the team; it holds the keys to the members' names with the team.
    programme = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    area = models.CharField(_("area"), max_length=120)
    formed_on = models.DateField(_("formed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "pk"]

    def __str__(self) -> str:
        return f"peace team {self.pk}"


class TeamRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member")


class PeaceTeamMember(Removable):
    """A member of a peace team. The name is sealed by the vault; everything else is plain."""

    team = models.ForeignKey(PeaceTeam, on_delete=models.CASCADE, related_name="members")
    name_locker = models.OneToOneField(Locker, on_delete=models.PROTECT, related_name="+")
    name_sealed = models.BinaryField()
    role = models.CharField(_("role in the team"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"member {self.pk}"


class MemberTraining(models.Model):
    """A training a peace-team member completed."""

    member = models.ForeignKey(PeaceTeamMember, on_delete=models.CASCADE, related_name="trainings")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField(_("completed on"))
    activity = models.ForeignKey(Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["completed_on", "pk"]

    def __str__(self) -> str:
        return f"training {self.pk}"


class MentorshipSession(Removable):
    team = models.ForeignKey(PeaceTeam, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    mentor = models.CharField(_("mentor"), max_length=200)
    topics = models.ManyToManyField(Topic, related_name="+")
    members_present = models.PositiveSmallIntegerField(_("members present"))
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"mentorship {self.pk}"


class CorrectionKind(models.TextChoices):
    CORRECTED = "corrected", _("Corrected")
    REMOVED = "removed", _("Removed (kept for released figures)")
    DELETED = "deleted", _("Deleted")


class Correction(models.Model):
    """Why a programme record was corrected, removed or deleted, by whom and when.

    The audit log holds the same event in its chain; this row keeps the reason, which the chain
    never does. It outlives a deleted record on purpose.
    """

    record_type = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=CorrectionKind.choices)
    fields = models.JSONField(default=list)
    reason = models.TextField(_("reason"), max_length=1000)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["corrected_at", "pk"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"correction {self.pk}"


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked for")
    DONE = "done", _("Visit made")
    NOT_POSSIBLE = "not_possible", _("Not possible")


class VisitRequest(models.Model):
    """The NGO asks a peace team to visit a woman who chose to be contacted through a peace team.

    The team sees only the brief the caseworker wrote for this visit, sealed to the NGO and the
    team in a locker of its own, and never the case: not its reference, her file or its story.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(PeaceTeam, on_delete=models.PROTECT, related_name="visits")
    reference = models.CharField(max_length=9, unique=True)
    locker = models.OneToOneField(Locker, on_delete=models.PROTECT, related_name="+")
    brief_sealed = models.BinaryField()
    due_on = models.DateField(_("visit by"))
    status = models.CharField(max_length=16, choices=VisitStatus.choices, default=VisitStatus.REQUESTED)
    outcome_sealed = models.BinaryField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference
