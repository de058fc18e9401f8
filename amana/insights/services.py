"""Writes of insights: only the audit entry that an export was taken (never a figure)."""

from __future__ import annotations

from django.db import transaction

from amana.accounts.models import User
from amana.audit.services import record


@transaction.atomic
def record_export(*, actor: User, fmt: str, name: str) -> None:
    record(actor=actor, action=f"insights.exported.{fmt}", object_type="insights.export", object_id=name)
