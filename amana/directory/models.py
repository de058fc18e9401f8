"""The referral directory: services and hotlines by area and type.

Admins keep it in the Django admin, and enter or correct each entry's words in Arabic, English and
Sorani on the directory's own pages. Lines marked as hotlines feed the public "Who to turn to?"
page; entries linked to a receiving organisation feed the referral forms.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import get_language
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
    accepts_children = models.BooleanField(
        _("takes children under 18"),
        default=True,
        help_text=_("Untick when this service does not take children: a child's case is never referred to it."),
    )
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
    # The language its own name, hours, languages and what it accepts are written in; the other
    # languages' words are ServiceText rows.
    language = models.CharField(
        _("written in"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["-is_emergency", "area", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        name = self.words.name
        return f"{name} ({self.number})" if self.number else name

    @cached_property
    def words(self) -> EntryWords:
        """Its words in the language of the page being made (see EntryWords)."""
        return words_in(self, get_language() or settings.LANGUAGE_CODE)


# The words of an entry that each language may have in its own version.
TEXT_FIELDS = ("name", "hours", "languages", "accepts")


class ServiceText(models.Model):
    """An entry's words in a language other than the one it was written in."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=200)
    hours = models.CharField(_("hours"), max_length=120, blank=True)
    languages = models.CharField(_("languages"), max_length=120, blank=True)
    accepts = models.TextField(_("what it accepts"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "language"], name="one_text_per_language")]

    def __str__(self) -> str:
        return f"{self.service_id} ({self.language})"


class EntryCorrection(models.Model):
    """Who entered or corrected an entry's words in a language, which words, when and why.

    The audit log holds the same event in its chain; this row keeps the reason, which the chain
    never does.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="corrections")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    fields = models.JSONField(default=list)
    reason = models.TextField(_("reason"), max_length=1000)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-corrected_at", "-pk"]

    def __str__(self) -> str:
        return f"correction {self.pk}"


@dataclass(frozen=True)
class EntryWords:
    """An entry as a reader sees it: each of its words in her language where they were given, else
    in the language the entry was written in (``lang`` says which, word by word)."""

    service: Service
    reader: str
    name: str
    hours: str
    languages: str
    accepts: str
    lang: dict[str, str]

    @property
    def fallback(self) -> bool:
        """Some of the words shown are not in the reader's language."""
        return any(getattr(self, field) and self.lang[field] != self.reader for field in TEXT_FIELDS)


def words_in(service: Service, language: str) -> EntryWords:
    """Its words for a reader of ``language``; prefetch the entries' texts when listing many."""
    own = {field: getattr(service, field) for field in TEXT_FIELDS}
    version = None
    if service.language != language:
        version = next((text for text in service.texts.all() if text.language == language), None)
    given = {field: getattr(version, field) for field in TEXT_FIELDS if version and getattr(version, field)}
    lang = {field: language if field in given else service.language for field in TEXT_FIELDS}
    return EntryWords(service=service, reader=language, lang=lang, **(own | given))
