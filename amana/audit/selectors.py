from __future__ import annotations

from django.db.models import QuerySet

from amana.accounts.models import Role, User
from amana.audit.models import AuditEntry


def audit_entries_for(user: User) -> QuerySet[AuditEntry]:
    """System admins read the whole log; supervisors and organisation admins their organisation's."""
    entries = AuditEntry.objects.order_by("-seq")
    if user.has_role(Role.SYSTEM_ADMIN):
        return entries
    return entries.filter(organisation_id=user.organisation_id)
