from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amana.audit import checkpoints
from amana.audit.models import AuditEntry
from amana.audit.services import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain and compare it with the latest signed checkpoint; report the first "
        "edited, deleted or reordered entry, a missing head, or a log cut short or wiped since the checkpoint."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = verify_chain()
        if problem is not None:
            raise CommandError(f"Audit log broken at entry {problem.seq}: {problem.reason}.")
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {count} entries verified."))
        checkpoint = checkpoints.latest()
        if checkpoint is None:
            self.stdout.write(
                self.style.WARNING("No checkpoint yet: run 'manage.py audit_checkpoint' so a cut-off tail can be seen.")
            )
        else:
            self.stdout.write(f"It holds the checkpoint of {checkpoint.at} ({checkpoint.seq} entries).")
