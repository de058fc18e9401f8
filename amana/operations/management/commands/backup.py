from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amana.operations.backups import BackupFailed, make_backup


class Command(BaseCommand):
    help = (
        "Write one encrypted archive of the database, the media folder and a signed audit checkpoint to "
        "AMANA_BACKUP_DIR (or --output), readable only with the offline backup key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="the folder to write the archive into")

    def handle(self, *args: Any, output: Path | None = None, **options: Any) -> None:
        try:
            made = make_backup(output)
        except (BackupFailed, ImproperlyConfigured) as failed:
            raise CommandError(str(failed)) from None
        if made.audit_problem:
            self.stderr.write(self.style.WARNING(f"{made.audit_problem} The backup holds the log as it is."))
        self.stdout.write(self.style.SUCCESS(f"Backup written to {made.path}"))
        if made.checkpoint is not None:
            self.stdout.write(f"It holds the audit checkpoint of {made.checkpoint.at} ({made.checkpoint.seq} entries).")
