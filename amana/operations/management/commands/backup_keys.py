from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amana.core.files import write_durably
from amana.vault.backups import new_backup_key_pair


class Command(BaseCommand):
    help = (
        "Make the backup key pair once: the public key is saved for the server (var/keys/backup_public_key), "
        "the private key is printed once, to keep offline like the recovery keys; restore needs it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--replace", action="store_true", help="make a new pair even though one is set")

    def handle(self, *args: Any, replace: bool = False, **options: Any) -> None:
        path = settings.KEYS_DIR / "backup_public_key"
        if (path.exists() or settings.AMANA_BACKUP_PUBLIC_KEY) and not replace:
            raise CommandError("A backup key is already set. Use --replace only if its private key was lost.")
        public_key, private_key = new_backup_key_pair()
        write_durably(path, public_key.encode())
        self.stdout.write(f"Public key saved to {path}: {public_key}")
        self.stdout.write("Private backup key (print it or write it down now; it is not kept anywhere):")
        self.stdout.write(f"  {private_key}")
