"""The core case record: what a report produces and the NGO handles.

Only non-identifying figures sit in plain columns; everything that could point at a woman is sealed
in vault lockers (identity, incident, evidence, care, messages) referenced from the case.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation, User
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


class CaseQuerySet(models.QuerySet["Case"]):
    def urgent_first(self) -> CaseQuerySet:
        """Danger, self-harm or duress first, then cases waiting for a reply, then the newest."""
        return self.annotate(
            urgent=models.Case(
                models.When(
                    models.Q(danger_now=True) | models.Q(self_harm=True) | models.Q(duress_suspected=True),
                    then=models.Value(1),
                ),
                default=models.Value(0),
            )
        ).order_by("-urgent", "-awaiting_reply", "-created_at", "-pk")


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=9, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("receiving organisation")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Urgency flags.
    danger_now = models.BooleanField(_("in danger now"), default=False)
    self_harm = models.BooleanField(_("thinking of harming herself"), default=False)
    duress_suspected = models.BooleanField(_("possibly under duress"), default=False)
    awaiting_reply = models.BooleanField(_("waiting for a reply"), default=False)

    # Non-identifying figures for statistics.
    for_whom = models.CharField(_("reported for"), max_length=8, choices=ForWhom.choices)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    demands = models.JSONField(_("what is demanded"), default=list)
    published = models.CharField(_("anything published"), max_length=8, choices=Published.choices)
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
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_urgent(self) -> bool:
        return self.danger_now or self.self_harm or self.duress_suspected

    @property
    def demand_labels(self) -> list[str]:
        return [str(label) for value, label in Demand.choices if value in self.demands]

    @property
    def want_labels(self) -> list[str]:
        return [str(label) for value, label in Want.choices if value in self.wants]


class Audience(models.TextChoices):
    AUTHORITIES = "authorities", _("The authorities (Community Police, National Security)")
    SERVICES = "services", _("Support services (psychosocial, legal)")


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


class Sender(models.TextChoices):
    SURVIVOR = "survivor", _("Survivor")
    STAFF = "staff", _("Caseworker")


class CaseMessage(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=8, choices=Sender.choices)
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body_sealed = models.BinaryField()
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
