"""How long a closed case is kept, which cases are held, and which survivors asked to be forgotten.

When a case's time is up (or a supervisor confirms her request) every locker of the case is
shredded and its rows deleted; nothing of it is kept here either, only the audit log's line that it
happened.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation, User
from amana.cases.models import Case

DEFAULT_RETENTION_MONTHS = 24
MAX_RETENTION_MONTHS = 240


class RetentionPolicy(models.Model):
    """An organisation's own retention period; without a row the default applies."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="retention_policy")
    months = models.PositiveSmallIntegerField(
        _("months a closed case is kept"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RETENTION_MONTHS)],
    )
    changed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.months} months"


class LegalHold(models.Model):
    """A case kept past its retention period (legal proceedings): never shredded while held."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="legal_hold")
    placed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"hold on {self.case_id}"


class DeletionRequest(models.Model):
    """She asked, from her follow-up page, for her report to be deleted; a supervisor confirms."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="deletion_request")
    requested_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"deletion request for {self.case_id}"
