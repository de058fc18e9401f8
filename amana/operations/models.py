"""What the periodic jobs did last: one row per job of the schedule, for the system admin to see."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    NEVER = "", _("Not run yet")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not possible yet")


class JobState(models.Model):
    """The last time one scheduled job was queued, started and finished, and how it ended.

    Kept apart from the task backend's own results, so it reads the same whichever backend runs them.
    """

    name = models.CharField(max_length=64, unique=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default=Outcome.NEVER)
    # A count or the error's class and first line: never case content.
    detail = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name
