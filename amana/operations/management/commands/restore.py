from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amana.operations.backups import BackupFailed, restore_backup


class Command(BaseCommand):
    help = (
        "Rebuild an empty database and media folder from an archive made by 'backup', then verify the "
        "audit chain. The offline backup key is read from --key-file (or standard input with '-')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--key-file", required=True, help="a file holding the printed backup key, or '-'")

    def handle(self, *args: Any, archive: Path, key_file: str, **options: Any) -> None:
        key_text = sys.stdin.read() if key_file == "-" else self._read_key(Path(key_file))
        try:
            restored = restore_backup(archive, key_text)
        except BackupFailed as failed:
            raise CommandError(str(failed)) from None
        for path in restored.superseded:
            self.stderr.write(
                self.style.WARNING(
                    f"Checkpoint {path.name} records entries this backup does not hold (they were written after "
                    "it); it was moved aside."
                )
            )
        if restored.problem is not None:
            raise CommandError(
                f"Restored, but the audit log is broken at entry {restored.problem.seq}: {restored.problem.reason}."
            )
        self.stdout.write(self.style.SUCCESS(f"Restored. Audit log intact: {restored.entries} entries verified."))

    def _read_key(self, path: Path) -> str:
        try:
            return path.read_text()
        except OSError as error:
            raise CommandError(f"The backup key file cannot be read: {error.strerror}.") from None
