from __future__ import annotations

from django.db import models

from amana.accounts.models import User
from amana.cases.models import Case
from amana.vault.models import Locker, SurvivorKey


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


class IntakeDraft(models.Model):
    """A report a member is recording step by step, kept between steps and between visits.

    What was typed is sealed in its own locker, held by the member's organisation; only the member
    who started it opens it (amana.channel.intake_drafts). It is deleted and its locker shredded
    when the report is recorded, when it is discarded, or after it lies unused too long.
    """

    recorded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    locker = models.OneToOneField(Locker, on_delete=models.PROTECT, related_name="+")
    content_sealed = models.BinaryField()
    # How many of the questions' steps are answered: listed without opening anything.
    steps_answered = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"intake draft {self.pk}"
