"""The referral directory: services and hotlines by area and type.

Admins keep it in the Django admin. Lines marked as hotlines feed the public "Who to turn to?"
page; entries linked to a receiving organisation feed the referral forms.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation
from amana.cases.models import District


class ServiceKind(models.TextChoices):
    POLICE = "police", _("Community Police")
    NATIONAL_SECURITY = "national_security", _("National Security")
    NGO = "ngo", _("Protection NGO")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal aid")
    OTHER = "other", _("Other help")


class ServiceQuerySet(models.QuerySet["Service"]):
    def for_district(self, district: str = "") -> ServiceQuerySet:
        """Entries for her district and entries for every area; all entries when no district is known."""
        if not district:
            return self
        return self.filter(models.Q(area="") | models.Q(area=district))

    def hotlines(self) -> ServiceQuerySet:
        return self.filter(is_active=True, is_hotline=True)

    def emergency(self) -> ServiceQuerySet:
        return self.filter(is_emergency=True)

    def receiving(self) -> ServiceQuerySet:
        """Active entries that can receive referrals through amana."""
        return self.filter(is_active=True, organisation__isnull=False)


class Service(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=ServiceKind.choices)
    number = models.CharField(_("phone number"), max_length=40, blank=True)
    area = models.CharField(
        _("area"), max_length=16, choices=District.choices, blank=True, help_text=_("Empty means every area.")
    )
    hours = models.CharField(_("hours"), max_length=120, blank=True)
    languages = models.CharField(_("languages"), max_length=120, blank=True)
    accepts = models.TextField(
        _("what it accepts"), blank=True, help_text=_("Who and what this service takes, in a sentence or two.")
    )
    is_hotline = models.BooleanField(
        _("shown as a hotline"), default=False, help_text=_("Listed on the public “Who to turn to?” page.")
    )
    is_emergency = models.BooleanField(_("for emergencies"), default=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entries",
        verbose_name=_("receiving organisation"),
        help_text=_("The organisation in amana that receives referrals to this service, if any."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["-is_emergency", "area", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return f"{self.name} ({self.number})" if self.number else self.name
