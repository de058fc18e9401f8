"""Check an evidence package: the manifest's own SHA-256, then every file's SHA-256 against the manifest.

Usage: manage.py verify_evidence_package PACKAGE.zip. Exits with status 1 when anything differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amana.evidence.models import EvidencePackage
from amana.evidence.package import verify


class Command(BaseCommand):
    help = "Verify an evidence package: every file's SHA-256 and the manifest's own hash."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("package", type=Path)

    def handle(self, *args: Any, package: Path, **options: Any) -> None:
        try:
            handle = package.open("rb")
        except OSError as error:
            raise CommandError(f"{package}: cannot be read ({error.strerror}).") from error
        with handle:
            result = verify(handle)
        for problem in result.problems or []:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"{package}: NOT verified ({len(result.problems or [])} problems).", returncode=1)
        recorded = EvidencePackage.objects.filter(manifest_sha256=result.manifest_sha256).first()
        self.stdout.write(f"{package}: verified, {result.checked} files match the manifest.")
        self.stdout.write(f"manifest SHA-256: {result.manifest_sha256}")
        if recorded is not None:
            self.stdout.write(
                f"recorded by amana when it was made, on {recorded.made_at.isoformat(timespec='seconds')}."
            )
        else:
            self.stdout.write("not recorded in this amana database (made elsewhere, or the manifest hash differs).")
