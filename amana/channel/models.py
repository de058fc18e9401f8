from __future__ import annotations

from django.db import models

from amana.cases.models import Case
from amana.vault.models import SurvivorKey


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
