from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amana.audit import checkpoints
from amana.audit.services import AuditChainBroken, take_checkpoint
from amana.vault.checkpoints import checkpoint_verify_key


class Command(BaseCommand):
    help = (
        "Verify the audit log, then write a signed checkpoint of its head (entries and last hash) to "
        "AMANA_CHECKPOINT_DIR and print it, so it can also be written down or kept elsewhere."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = take_checkpoint()
        except AuditChainBroken as error:
            raise CommandError(f"{error} No checkpoint was written.") from None
        path = checkpoints.checkpoint_dir() / checkpoint.file_name
        self.stdout.write(self.style.SUCCESS(f"Checkpoint written to {path}:"))
        self.stdout.write(f"  time       {checkpoint.at}")
        self.stdout.write(f"  entries    {checkpoint.seq}")
        self.stdout.write(f"  last hash  {checkpoint.head_hash}")
        self.stdout.write(f"  signature  {checkpoint.signature}")
        self.stdout.write(f"  signed by  {checkpoint_verify_key()}")
