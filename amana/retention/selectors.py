"""What the retention page lists, always within the signed-in member's organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from amana.accounts.models import User
from amana.retention.models import DeletionRequest, LegalHold


def deletion_requests_for(user: User) -> QuerySet[DeletionRequest]:
    return (
        DeletionRequest.objects.filter(case__organisation=user.organisation)
        .select_related("case")
        .order_by("requested_at", "pk")
    )


def holds_for(user: User) -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.filter(case__organisation=user.organisation)
        .select_related("case")
        .order_by("-placed_at", "-pk")
    )
