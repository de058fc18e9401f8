"""Referrals: a case passed to a duty bearer or a service, under her consent, by one of four pathways.

Consent is enforced by the vault: each consented compartment of the case is granted to the
receiving organisation (ReferralGrant records which, and when it was revoked). Free text written
about a referral (purpose, questions, answers, what was done) is sealed in the referral's own
exchange locker, held by the NGO and the receiving organisation only. Plain columns identify no one.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation, User
from amana.cases.models import Case, PlanAction
from amana.core.i18n import ChoiceLabels
from amana.directory.models import Service
from amana.vault.models import Compartment, Locker


class Pathway(models.TextChoices):
    ACCOMPANIMENT = "accompaniment", _("Accompaniment to report in person")
    SAFE_SPACE = "safe_space", _("Safe-space meeting at the NGO office")
    LIAISON = "liaison", _("Liaison without identity")
    SERVICE = "service", _("Service referral")


class ServiceType(models.TextChoices):
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal aid")
    HEALTH = "health", _("Health")


class ConsentGiven(models.TextChoices):
    WRITTEN = "written", _("In writing")
    VERBAL = "verbal", _("Verbally")
    SITE = "site", _("Through the site")
    OVERRIDE = "override", _("Not given: emergency override")


class Status(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DONE = "done", _("Done")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    EXPIRED = "expired", _("Consent expired")
    CASE_CLOSED = "case_closed", _("Case closed")


OPEN_STATUSES = frozenset({Status.SENT, Status.ACCEPTED})
# What the receiving organisation reads of a referral that ended: never whether she withdrew.
PARTNER_STATUS_LABELS = {
    Status.WITHDRAWN: _("Ended by the NGO"),
    Status.EXPIRED: _("Ended by the NGO"),
}


class Outcome(models.TextChoices):
    """How an accompaniment or a safe-space meeting ended, as the caseworker records it."""

    REPORT_FILED = "report_filed", _("She reported and the authority registered it")
    STATEMENT_TAKEN = "statement_taken", _("The authority heard her and will act")
    NOT_REGISTERED = "not_registered", _("The authority did not register the report")
    SHE_CHANGED_HER_MIND = "changed_mind", _("She chose not to go on")
    POSTPONED = "postponed", _("Postponed")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Referral(ChoiceLabels, models.Model):
    # A pseudonymous reference: the receiving organisation never learns the case's own reference.
    reference = models.CharField(_("reference"), max_length=11, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("receiving organisation"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    pathway = models.CharField(_("pathway"), max_length=16, choices=Pathway.choices)
    service_type = models.CharField(_("type of service"), max_length=16, choices=ServiceType.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    exchange_locker = models.OneToOneField(Locker, on_delete=models.PROTECT, related_name="+")
    # The step of her plan this referral carries out, so that the plan shows how far it has come.
    plan_action = models.ForeignKey(
        PlanAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("step of her plan"),
    )

    # Her consent to this referral.
    compartments = models.JSONField(_("compartments shared"), default=list)
    consent_given = models.CharField(_("how consent was given"), max_length=10, choices=ConsentGiven.choices)
    consent_until = models.DateField(_("consent valid until"))
    purpose_sealed = models.BinaryField()
    override_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The supervisor's reason, sealed in the case's care locker: the NGO reads it, partners never.
    override_reason_sealed = models.BinaryField(null=True, blank=True)
    # When the supervisors were told that what the override shares is about to be revoked.
    override_warned_at = models.DateTimeField(null=True, blank=True)

    # The pathway's own steps: a date, a place and who goes or is present (accompaniment, safe space).
    scheduled_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=80, blank=True)
    staff = models.ManyToManyField(User, blank=True, related_name="+", verbose_name=_("NGO staff present"))
    attendees_sealed = models.BinaryField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    note_sealed = models.BinaryField(null=True, blank=True)
    decline_reason_sealed = models.BinaryField(null=True, blank=True)

    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_override(self) -> bool:
        return self.consent_given == ConsentGiven.OVERRIDE

    def get_partner_status_display(self) -> str:
        return str(PARTNER_STATUS_LABELS.get(self.status, self.get_status_display()))  # type: ignore[call-overload]


class RevokedBecause(models.TextChoices):
    CASEWORKER = "caseworker", _("Withdrawn by the caseworker")
    SURVIVOR = "survivor", _("She withdrew her consent")
    EXPIRED = "expired", _("Consent expired")
    DONE = "done", _("The referral's work was done")
    DECLINED = "declined", _("The organisation declined")
    CASE_CLOSED = "case_closed", _("The case was closed")
    OVERRIDE_ENDED = "override_end", _("The emergency override ended")


class ReferralGrant(models.Model):
    """One compartment of the case granted to the receiving organisation for this referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="grants")
    compartment = models.CharField(max_length=16, choices=Compartment.choices)
    # True when her choices did not allow it and a supervisor's emergency override did.
    by_override = models.BooleanField(default=False)
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(max_length=12, choices=RevokedBecause.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "compartment"], name="one_grant_per_referral_compartment")
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.compartment}"


class ActionKind(models.TextChoices):
    """What a duty bearer or service did."""

    PERPETRATOR_IDENTIFIED = "identified", _("Extortionist identified")
    PERPETRATOR_WARNED = "warned", _("Extortionist warned")
    PERPETRATOR_ARRESTED = "arrested", _("Extortionist arrested")
    ACCOUNT_REMOVED = "account_removed", _("Account removed")
    CONTENT_REMOVED = "content_removed", _("Content removed")
    INVESTIGATION_OPENED = "investigation", _("Investigation opened")
    SESSION_HELD = "session_held", _("Support session held")
    ADVICE_GIVEN = "advice_given", _("Advice given")
    OTHER = "other", _("Something else")


class PartnerAction(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("what was done"), max_length=16, choices=ActionKind.choices)
    note_sealed = models.BinaryField()
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"action {self.pk}"


class Question(models.Model):
    """A question from the receiving organisation, answered by the NGO; nothing reaches her directly."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="questions")
    question_sealed = models.BinaryField()
    asked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer_sealed = models.BinaryField(null=True, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"question {self.pk}"
