"""The core case record: what a report produces and the NGO handles.

Only non-identifying figures sit in plain columns; everything that could point at a woman is sealed
in vault lockers (identity, incident, evidence, care, messages) referenced from the case.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation, User
from amana.core.i18n import ChoiceLabels
from amana.insights import labels as insights_labels
from amana.vault.models import Locker


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    HOTLINE = "hotline", _("Hotline call")
    IN_PERSON = "in_person", _("In person")
    PEACE_TEAM = "peace_team", _("Community Peace Team")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class ForWhom(models.TextChoices):
    SELF = "self", _("For herself")
    OTHER = "other", _("For someone else")


class Platform(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    FACEBOOK = "facebook", _("Facebook or Messenger")
    INSTAGRAM = "instagram", _("Instagram")
    TELEGRAM = "telegram", _("Telegram")
    TIKTOK = "tiktok", _("TikTok")
    SNAPCHAT = "snapchat", _("Snapchat")
    PHONE = "phone", _("Phone calls or text messages")
    OTHER = "other", _("Another app or website")


class Demand(models.TextChoices):
    MONEY = "money", _("Money")
    SEXUAL = "sexual", _("Sexual favours")
    IMAGES = "images", _("More pictures or videos")
    OTHER = "other", _("Something else")


class Published(models.TextChoices):
    NO = "no", _("No")
    YES = "yes", _("Yes")
    UNKNOWN = "unknown", _("I do not know")


class TechnologyFacilitated(models.TextChoices):
    """GBVIMS: whether the incident was carried out through technology, as the caseworker records it
    (never assumed from the platform she named)."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_RECORDED = "not_recorded", _("Not recorded")


class District(models.TextChoices):
    QAYYARAH = "qayyarah", _("Qayyarah")
    HAMMAM_AL_ALIL = "hammam_al_alil", _("Hammam al-Alil")
    SOUTH_MOSUL = "south_mosul", _("Elsewhere in South Mosul")
    MOSUL_CITY = "mosul_city", _("Mosul city")
    OTHER = "other", _("Somewhere else")
    NOT_SAID = "not_said", _("I prefer not to say")


class AgeBand(models.TextChoices):
    UNDER_15 = "under_15", _("Under 15")
    FROM_15_TO_17 = "15_17", _("15 to 17")
    FROM_18_TO_24 = "18_24", _("18 to 24")
    FROM_25_TO_34 = "25_34", _("25 to 34")
    FROM_35 = "35_plus", _("35 or older")
    NOT_SAID = "not_said", _("I prefer not to say")


UNDER_18_AGE_BANDS = frozenset({AgeBand.UNDER_15, AgeBand.FROM_15_TO_17})
# Under 15 her own choice is her assent: sharing also needs an adult's consent (design, Children).
ASSENT_ONLY_AGE_BANDS = frozenset({AgeBand.UNDER_15})


def under_18() -> models.Q:
    """A case of a girl under 18: the "Children" rules of the design apply (flag, safeguarding)."""
    return models.Q(age_band__in=sorted(UNDER_18_AGE_BANDS))


class Want(models.TextChoices):
    """What she wants: the pathway choices, in her words."""

    ADVICE = "advice", _("Advice only")
    TALK = "talk", _("To talk to someone")
    ACCOMPANIMENT = "accompaniment", _("To report to the authorities with an NGO worker beside me")
    SAFE_SPACE = "safe_space", _("A safe meeting with the authorities at the NGO office")
    LIAISON = "liaison", _("The NGO to pass the case on without my name")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")


class Since(models.TextChoices):
    """Roughly when it started; kept inside the sealed incident, never as a column."""

    TODAY = "today", _("Today")
    THIS_WEEK = "this_week", _("This week")
    THIS_MONTH = "this_month", _("This month")
    MONTHS = "months", _("One to six months ago")
    LONGER = "longer", _("More than six months ago")


class ContactMethod(models.TextChoices):
    """How it is safe to reach her; kept inside the sealed identity."""

    SITE_ONLY = "site_only", _("Only through this site")
    CALL = "call", _("A phone call at safe times")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PEACE_TEAM = "peace_team", _("In person through a Community Peace Team member")


CONTACT_NEEDS_PHONE = frozenset({ContactMethod.CALL, ContactMethod.WHATSAPP})


class RiskLevel(models.TextChoices):
    """The outcome of her safety and risk assessment: the only part of it kept in a plain column."""

    NOT_ASSESSED = "", _("Not assessed yet")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


def urgent(prefix: str = "") -> models.Q:
    """Danger now, self-harm, duress or a high risk; ``prefix`` reaches a case from a related model."""
    flags = {"danger_now": True, "self_harm": True, "duress_suspected": True, "risk_level": RiskLevel.HIGH}
    condition = models.Q()
    for name, value in flags.items():
        condition |= models.Q(**{prefix + name: value})
    return condition


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(status=Status.CLOSED)

    def urgent_first(self) -> CaseQuerySet:
        """Danger, self-harm, duress or high risk first, then cases waiting for a reply, then the newest.

        The order of the queue index (see Case.Meta), so a page is read from the index, never sorted.
        """
        return self.order_by("-is_urgent_now", "-awaiting_reply", "-created_at", "-id")


# What a case's flags say, translated only for the flags a case shows.
ATTENTION = {
    "child": _("Child (under 18)"),
    "danger_now": _("In danger now"),
    "self_harm": _("Thinking of harming herself"),
    "duress": _("Possibly under duress"),
    "high_risk": _("High risk"),
    "overdue": _("Overdue"),
    "closure_requested": _("Closure requested"),
    "awaiting_reply": _("Waiting for a reply"),
}


class Case(ChoiceLabels, models.Model):
    reference = models.CharField(_("reference"), max_length=9, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("receiving organisation")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="caseload", verbose_name=_("caseworker")
    )
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, blank=True, default="")
    closure_requested = models.BooleanField(_("closure requested"), default=False)
    # The Community Peace Team that received the case, kept after it is handed over to an NGO so
    # that the team can still follow its status (and nothing else).
    received_by_team = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_cases",
        verbose_name=_("received by the peace team"),
    )
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Urgency flags.
    danger_now = models.BooleanField(_("in danger now"), default=False)
    self_harm = models.BooleanField(_("thinking of harming herself"), default=False)
    duress_suspected = models.BooleanField(_("possibly under duress"), default=False)
    awaiting_reply = models.BooleanField(_("waiting for a reply"), default=False)
    # When the last sign of danger came (danger now or self-harm in her report, her duress code used):
    # closing needs a risk assessment made after it.
    danger_flagged_at = models.DateTimeField(_("last danger sign"), null=True, blank=True)
    # When something of her care first falls due: the earliest scheduled follow-up, or the end of the
    # day a planned step was due. Kept by the services that schedule and record them, so that "has
    # something overdue" is a column the queue filters on as it walks its index.
    next_due_at = models.DateTimeField(null=True, blank=True)
    # Kept by the database from the flags above, so the queue can be ordered by an index.
    is_urgent_now = models.GeneratedField(
        expression=models.Case(models.When(urgent(), then=models.Value(True)), default=models.Value(False)),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    # Kept by the database from the age band, so the queue can list children's cases from an index.
    is_child = models.GeneratedField(
        expression=models.Case(models.When(under_18(), then=models.Value(True)), default=models.Value(False)),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    # Non-identifying figures for statistics.
    for_whom = models.CharField(_("reported for"), max_length=8, choices=ForWhom.choices)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    demands = models.JSONField(_("what is demanded"), default=list)
    published = models.CharField(_("anything published"), max_length=8, choices=Published.choices)
    technology_facilitated = models.CharField(
        _("technology-facilitated"),
        max_length=12,
        choices=TechnologyFacilitated.choices,
        default=TechnologyFacilitated.NOT_RECORDED,
    )
    district = models.CharField(_("district"), max_length=16, choices=District.choices)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    month_reported = models.DateField(_("month reported"))
    wants = models.JSONField(_("what she wants"), default=list)

    # Sealed compartments.
    identity_locker = models.OneToOneField(Locker, on_delete=models.PROTECT, related_name="+")
    incident_locker = models.OneToOneField(Locker, on_delete=models.PROTECT, related_name="+")
    evidence_locker = models.OneToOneField(Locker, on_delete=models.PROTECT, related_name="+")
    care_locker = models.OneToOneField(Locker, on_delete=models.PROTECT, related_name="+")
    messages_locker = models.OneToOneField(Locker, on_delete=models.PROTECT, related_name="+")
    identity_sealed = models.BinaryField()
    incident_sealed = models.BinaryField()

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "assigned_to", "status"]),
            models.Index(fields=["organisation", "-created_at"]),
            # The queue of open cases, in its order: each page is a short walk along this index.
            models.Index(
                fields=["organisation", "-is_urgent_now", "-awaiting_reply", "-created_at", "-id"],
                condition=~models.Q(status="closed"),
                name="case_open_queue",
            ),
            # The same queue for children's cases only (the queue's filter for children).
            models.Index(
                fields=["organisation", "-is_urgent_now", "-awaiting_reply", "-created_at", "-id"],
                condition=models.Q(is_child=True) & ~models.Q(status="closed"),
                name="case_open_child_queue",
            ),
            # Open cases by when something first falls due: the overdue list when few cases are late.
            models.Index(
                fields=["organisation", "next_due_at"], condition=~models.Q(status="closed"), name="case_open_due"
            ),
            # Caseloads: open cases counted per caseworker, urgent ones apart, from the index alone.
            models.Index(
                fields=["organisation", "assigned_to", "is_urgent_now"],
                condition=~models.Q(status="closed"),
                name="case_open_caseload",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    # Each row of a list of cases shows these: each label is found at once, not by translating them all.
    @property
    def attention(self) -> list[tuple[str, str]]:
        """What needs attention, as the case's flags show it: (how it is marked, what it says).

        "Overdue" only on a case marked by cases.selectors.mark_overdue.
        """
        flags = [
            (self.is_child, "child", ATTENTION["child"]),
            (self.danger_now, "urgent", ATTENTION["danger_now"]),
            (self.self_harm, "urgent", ATTENTION["self_harm"]),
            (self.duress_suspected, "urgent", ATTENTION["duress"]),
            (self.risk_level == RiskLevel.HIGH, "urgent", ATTENTION["high_risk"]),
            (getattr(self, "overdue", False), "overdue", ATTENTION["overdue"]),
            (self.closure_requested, "", ATTENTION["closure_requested"]),
            (self.awaiting_reply, "", ATTENTION["awaiting_reply"]),
        ]
        return [(mark, str(label)) for shown, mark, label in flags if shown]

    @property
    def is_urgent(self) -> bool:
        return self.danger_now or self.self_harm or self.duress_suspected or self.risk_level == RiskLevel.HIGH

    @property
    def is_held_by_team(self) -> bool:
        """Still with the peace team that recorded it, not yet handed over to an NGO."""
        return self.received_by_team_id is not None and self.organisation_id == self.received_by_team_id

    @property
    def demand_labels(self) -> list[str]:
        return [str(label) for value, label in Demand.choices if value in self.demands]

    @property
    def want_labels(self) -> list[str]:
        return [str(label) for value, label in Want.choices if value in self.wants]


class CaseloadCount(models.Model):
    """A caseworker's open cases and the urgent ones among them, as the caseload page shows them.

    Kept by the case services in the same transaction as every change that moves a case in or out
    of her load (assignment, closure, reopening, urgency, follow-ups scheduled and recorded,
    shredding): the page reads one row per caseworker instead of counting every open case and
    every overdue follow-up of the organisation.
    """

    caseworker = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="+")
    open_cases = models.PositiveIntegerField(default=0)
    urgent = models.PositiveIntegerField(default=0)
    # Follow-ups scheduled in her open cases: those overdue are these less the few not yet due.
    scheduled_follow_ups = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"caseload of {self.caseworker_id}"


class Audience(models.TextChoices):
    AUTHORITIES = "authorities", _("The authorities (Community Police, National Security)")
    SERVICES = "services", _("Support services (psychosocial, legal)")
    STATISTICS = "statistics", insights_labels.STATISTICS_AUDIENCE


class Scope(models.TextChoices):
    INCIDENT = "incident", _("What happened and the evidence, without her name")
    IDENTITY = "identity", _("Her name and how to reach her")


class Consent(models.Model):
    """One choice she made: whether this part of her case may go to this kind of organisation.

    Referrals read these to decide which lockers may be granted; a withdrawn choice is kept
    (given=False) with the time it changed.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    audience = models.CharField(max_length=16, choices=Audience.choices)
    scope = models.CharField(max_length=16, choices=Scope.choices)
    given = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "audience", "scope"], name="one_consent_per_audience_and_scope")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.audience}:{self.scope}"


class ConsentGivenHow(models.TextChoices):
    """How she gave the choices a consent record holds."""

    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    SIGNED_FORM = "signed_form", _("On a signed form")
    SITE = "site", _("On the site, with her code")


class ChildAge(models.TextChoices):
    """The age groups of "Caring for Child Survivors": who agrees depends on them."""

    UNDER_12 = "under_12", _("Under 12")
    FROM_12_TO_14 = "12_14", _("12 to 14")
    FROM_15_TO_17 = "15_17", _("15 to 17")


class ChildAgreement(models.TextChoices):
    CONSENT = "consent", _("She gave her own informed consent")
    ASSENT = "assent", _("She gave her informed assent")
    NOT_ABLE = "not_able", _("She is too young to give her assent")


class AdultConsent(models.TextChoices):
    CAREGIVER = "caregiver", _("Her caregiver gave informed consent")
    TRUSTED_ADULT = "trusted_adult", _("Another trusted adult gave consent, as involving her caregiver is not safe")
    NONE = "none", _("No adult was involved, as involving her caregiver is not safe")


class ConsentRecord(models.Model):
    """The whole set of sharing choices she gave at one moment, and how.

    Made when she changes them on the site with her code, or when a caseworker or supervisor records
    what she agreed in person, by phone or on a signed form. The Consent rows hold the choices in
    force; these records keep who recorded each change, when she gave it and how. The witness and,
    for a child, why her caregiver was left out are sealed in the care locker.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_records")
    # The "audience.scope" keys she agreed to; everything else she did not (or withdrew).
    given = models.JSONField(default=list)
    how = models.CharField(max_length=12, choices=ConsentGivenHow.choices)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The recorder's role when recording (caseworker or supervisor): what she reads, never a name.
    recorded_as = models.CharField(max_length=16, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    has_witness = models.BooleanField(default=False)
    child_age = models.CharField(max_length=8, choices=ChildAge.choices, blank=True)
    child_agreement = models.CharField(max_length=8, choices=ChildAgreement.choices, blank=True)
    adult_consent = models.CharField(max_length=14, choices=AdultConsent.choices, blank=True)
    # Her own choice as a girl under 15 (on the site or at intake): her assent, which shares nothing
    # until staff record an adult's consent with her. ``given`` holds what she asked for.
    assent_only = models.BooleanField(default=False)
    details_sealed = models.BinaryField()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"consent record {self.pk}"

    @property
    def by_staff(self) -> bool:
        return self.how != ConsentGivenHow.SITE


class ContactPlanChange(models.Model):
    """A safe-contact plan she chose herself on the site, with her code.

    She holds no key to her identity, so her plan cannot be sealed into it: it is sealed on its own
    to the identity locker, where whoever holds her identity opens it. The newest one her caseworker
    has not yet taken into the identity (``taken_in_at``) is her plan in force.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contact_plan_changes")
    plan_sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    taken_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"contact plan change {self.pk}"


class Sender(models.TextChoices):
    SURVIVOR = "survivor", _("Survivor")
    STAFF = "staff", _("Caseworker")


class CaseMessage(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=8, choices=Sender.choices)
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body_sealed = models.BinaryField()
    # Sent from a visit opened with her second (duress) code: someone may have made her write it.
    under_duress = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class EvidenceFile(models.Model):
    """A file sealed in the case's evidence locker; its name and type are sealed too."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence_files")
    stored_name = models.CharField(max_length=200, unique=True)
    details_sealed = models.BinaryField()
    size = models.PositiveBigIntegerField()
    sender = models.CharField(max_length=8, choices=Sender.choices)
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"evidence {self.pk}"


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class RiskAssessment(models.Model):
    """One safety and risk assessment; its answers are sealed in the care locker, the level is plain."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices)
    assessed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    answers_sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"assessment {self.pk}"


class ActionKind(models.TextChoices):
    """What a step of her plan is; the details are sealed."""

    SAFETY_PLAN = "safety_plan", _("Safety planning")
    DIGITAL_SAFETY = "digital_safety", _("Securing her phone and accounts")
    CONTENT_REMOVAL = "content_removal", _("Asking a platform to remove content")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal advice")
    HEALTH = "health", _("Health care")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment to report in person")
    SAFE_SPACE = "safe_space", _("Safe-space meeting at the NGO office")
    LIAISON = "liaison", _("Liaison without identity")
    OTHER = "other", _("Something else")


class ConsentHow(models.TextChoices):
    WRITTEN = "written", _("In writing")
    VERBAL = "verbal", _("Verbally")
    SITE = "site", _("Through the site")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class PlanAction(models.Model):
    """One step of the case action plan: something she chose after being told what it involves."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_actions")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    consent_how = models.CharField(max_length=8, choices=ConsentHow.choices)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    details_sealed = models.BinaryField()
    outcome_sealed = models.BinaryField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"action {self.pk}"


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")


class FollowUp(models.Model):
    """A contact planned against her safe-contact plan; how and what to say are sealed in the care locker."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=ContactMethod.choices)
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED)
    details_sealed = models.BinaryField()
    outcome_sealed = models.BinaryField(null=True, blank=True)
    scheduled_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    # When the scheduled reminder told her caseworker it is overdue: once per follow-up.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"follow-up {self.pk}"


class GuardianInvolvement(models.TextChoices):
    """Who, besides the girl, takes part in decisions on her case ("Children" in the design)."""

    CAREGIVER = "caregiver", _("Her caregiver is involved")
    TRUSTED_ADULT = "trusted_adult", _("Another trusted adult is involved, as involving her caregiver is not safe")
    NONE = "none", _("No adult is involved: she is mature enough, and involving her caregiver is not safe")


class ChildReferralCheck(models.TextChoices):
    CHECKED = "checked", _("Every service she is or will be referred to accepts children; each was checked")
    NOT_NEEDED = "not_needed", _("She needs no referral to another service")


class Safeguarding(models.Model):
    """The safeguarding step of a child's case; the best-interest note and the reasons are sealed.

    Each record keeps the decisions of its time; the latest is the one in force.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safeguarding_records")
    guardian_involvement = models.CharField(max_length=16, choices=GuardianInvolvement.choices)
    child_referral = models.CharField(max_length=16, choices=ChildReferralCheck.choices)
    details_sealed = models.BinaryField()
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"safeguarding {self.pk}"


class ReportingDecision(models.TextChoices):
    """What a supervisor decided about reporting a child's case to the authorities as the law asks."""

    REPORT = "report", _("Report it to the authorities: the law or her safety requires it")
    NOT_REPORT = "not_report", _("Do not report it: it is not required, or reporting would put her in more danger")


class MandatoryReporting(models.Model):
    """A supervisor's decision on mandatory reporting for a child's case; the reason is sealed.

    Part of the safeguarding step; the latest decision is the one in force.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reporting_decisions")
    decision = models.CharField(max_length=12, choices=ReportingDecision.choices)
    reason_sealed = models.BinaryField()
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"reporting decision {self.pk}"


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Her goals in the plan were met")
    HER_CHOICE = "her_choice", _("She asked to close the case")
    NO_CONTACT = "no_contact", _("She could not be reached safely")
    REFERRED = "referred", _("Another organisation now handles it")
    MOVED = "moved", _("She moved out of the area")
    OTHER = "other", _("Another reason")


class ClosureDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for a supervisor")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned to the caseworker")


class ClosureRequest(models.Model):
    """A caseworker's request to close a case, with her feedback sealed; a supervisor decides."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    reason = models.CharField(max_length=16, choices=ClosureReason.choices)
    feedback_sealed = models.BinaryField()
    # Whether she was asked for her feedback (True) or why not was written instead (False); None when
    # neither was recorded. Both texts are sealed.
    feedback_asked = models.BooleanField(null=True, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=ClosureDecision.choices, default=ClosureDecision.PENDING)
    decision_note_sealed = models.BinaryField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(decision="pending"), name="one_pending_closure_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"closure request {self.pk}"


class Handover(models.Model):
    """A peace team passing a case it received to a protection NGO, with her consent."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="handover")
    from_team = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    consent_how = models.CharField(max_length=8, choices=ConsentHow.choices)
    handed_over_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"hand-over {self.pk}"


class NotificationKind(models.TextChoices):
    URGENT_REPORT = "urgent_report", _("Urgent report")
    HIGH_RISK = "high_risk", _("High risk")
    DURESS = "duress", _("Duress code used")
    ASSIGNED = "assigned", _("Case assigned")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSURE_RETURNED = "closure_returned", _("Closure returned")
    HANDED_OVER = "handed_over", _("Case handed over")
    OVERRIDE_ENDING = "override_ending", _("Emergency override ends soon")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Follow-up overdue")
    PARTNER_ACCEPTED = "partner_accepted", _("Referral accepted")
    PARTNER_DECLINED = "partner_declined", _("Referral declined")
    PARTNER_ACTION = "partner_action", _("Action recorded on a referral")
    PARTNER_QUESTION = "partner_question", _("Question asked on a referral")
    PARTNER_DONE = "partner_done", _("Referral done")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notice to one staff member; it names only the kind and the case reference.

    A notice about a part of the case (a referral) also keeps that part's pseudonymous reference and
    the page that shows it, never anything sealed.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    about = models.CharField(max_length=20, blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # A member's notifications, newest first, a page at a time (keyset pages).
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_newest"),
        ]

    def __str__(self) -> str:
        return f"notification {self.pk}"
