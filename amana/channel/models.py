from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.cases.models import Case, District
from amana.vault.models import SurvivorKey


class HotlineKind(models.TextChoices):
    POLICE = "police", _("Community Police")
    NATIONAL_SECURITY = "national_security", _("National Security")
    NGO = "ngo", _("Protection NGO")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal aid")
    OTHER = "other", _("Other help")


class HotlineQuerySet(models.QuerySet["Hotline"]):
    def for_district(self, district: str = "") -> HotlineQuerySet:
        """Lines for her district and lines for every area; all lines when no district is known."""
        if not district:
            return self
        return self.filter(models.Q(area="") | models.Q(area=district))

    def emergency(self) -> HotlineQuerySet:
        return self.filter(is_emergency=True)


class Hotline(models.Model):
    """A hotline or service shown on the public "Who to turn to?" page.

    Managed by admins in the Django admin. The referral directory will later take this over.
    """

    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("number"), max_length=40)
    area = models.CharField(
        _("area"), max_length=16, choices=District.choices, blank=True, help_text=_("Empty means every area.")
    )
    hours = models.CharField(_("hours"), max_length=120, blank=True)
    languages = models.CharField(_("languages"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=HotlineKind.choices)
    is_emergency = models.BooleanField(_("for emergencies"), default=False)

    objects = HotlineQuerySet.as_manager()

    class Meta:
        ordering = ["-is_emergency", "area", "name"]
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class SurvivorAccess(models.Model):
    """How she comes back to her case: her receipt code and duress code, stored only as slow hashes.

    The survivor key (derived from the receipt code by the vault) holds the case's messages locker,
    so she reads replies with her code and nobody can with the database alone.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="survivor_access")
    code_hash = models.CharField(max_length=64, unique=True)
    duress_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    survivor_key = models.OneToOneField(SurvivorKey, on_delete=models.PROTECT, related_name="+")
    # A keyed hash of the one-time token of the form that sent the report: a second send of the same
    # form finds this row instead of making a second case.
    submission_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"access {self.pk}"


class GuessThrottle(models.Model):
    """Wrong codes counted per time window, for everyone together and per client bucket.

    A client bucket is a few bits of a keyed hash of the address that rotates with each window:
    tens of thousands of addresses share each bucket and no address can be recovered from it.
    """

    bucket = models.CharField(max_length=40, unique=True)
    window_started_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.bucket
