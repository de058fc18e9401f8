"""Released statistics: one frozen release per organisation and closed calendar month.

A release holds the protected value of every cell that any page, chart or export can show; the
true counts are never stored. Quarters, years and any other period are built from the months'
released cells. ``Counted`` remembers which release first counted a record, so that a report that
arrives after its month was released is counted once, in the next release, as "reported late".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation


class Release(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    made_at = models.DateTimeField(_("made"))

    class Meta:
        ordering = ["organisation", "month"]
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="one_release_per_month")]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.month:%Y-%m}"


class CellKind(models.TextChoices):
    # A count of people with keyed noise added (see amana/insights/protection.py).
    PROTECTED = "protected", _("Protected")
    # A category that cannot occur in what amana records: always zero, says nothing about anyone.
    STRUCTURAL = "structural", _("Cannot occur")
    # A count of events (forums, trainings) that names nobody: published as it is.
    EXACT = "exact", _("Exact")


class ReleaseCell(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="cells")
    table = models.CharField(max_length=24)
    # "" is every area; otherwise a district of the cases.
    area = models.CharField(max_length=16, blank=True)
    row = models.CharField(max_length=24, blank=True)
    column = models.CharField(max_length=24, blank=True)
    # Counts records of earlier months that this release is the first to count.
    late = models.BooleanField(default=False)
    kind = models.CharField(max_length=10, choices=CellKind.choices)
    value = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "table", "area", "row", "column", "late"], name="one_value_per_cell"
            )
        ]
        indexes = [models.Index(fields=["release", "area"], name="insights_cell_release_area")]

    def __str__(self) -> str:
        return f"{self.release_id}:{self.table}:{self.area}:{self.row}:{self.column}:{self.late}"


class Counted(models.Model):
    """A record (a case, a referral, a first reply, an activity) and the release that counted it."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="counted_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
