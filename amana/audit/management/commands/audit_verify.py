from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amana.audit.models import AuditEntry
from amana.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first edited, deleted or reordered entry."

    def handle(self, *args: Any, **options: Any) -> None:
        problem = verify_chain()
        if problem is not None:
            raise CommandError(f"Audit log broken at entry {problem.seq}: {problem.reason}.")
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {count} entries verified."))
