"""Check an evidence package, and say three things apart: its signature, its files, and our record of it.

Usage: manage.py verify_evidence_package PACKAGE.zip [--key ORGANISATION.pub]

Exit status: 0 when the signature is an organisation key's of this database, every file matches the
signed manifest and this database recorded the package when it was made; 1 when the package is not
genuine (not a whole zip, a signature that fails or is by another key, a changed, added or missing
file); 3 when signature and files hold but this database has no record of the package (made with a
stolen key, or recorded in another copy of amana).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amana.evidence.package import Verification, verify

NOT_RECORDED = 3


class Command(BaseCommand):
    help = "Verify an evidence package: its signature, every file against the signed manifest, and our record of it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("package", type=Path)
        parser.add_argument(
            "--key", type=Path, help="the organisation's public key (.pub) handed over in person, to check against"
        )

    def handle(self, *args: Any, package: Path, key: Path | None = None, **options: Any) -> None:
        try:
            expected_key = key.read_bytes() if key is not None else None
            handle = package.open("rb")
        except OSError as error:
            raise CommandError(
                _("%(path)s cannot be read (%(reason)s).") % {"path": error.filename, "reason": error.strerror}
            ) from error
        with handle:
            result = verify(handle, expected_key=expected_key)
        if not result.readable:
            raise CommandError(
                _("%(path)s is not a whole zip file: it was cut short while copying, or it is not an evidence package.")
                % {"path": package},
                returncode=1,
            )
        self._signature(result)
        self._files(result)
        self._record(result)
        if not result.genuine:
            raise CommandError(
                _("%(path)s: NOT verified. Do not trust this package.") % {"path": package}, returncode=1
            )
        if result.recorded is None:
            raise CommandError(
                _("%(path)s: signature and files hold, but this database did not make this package.")
                % {"path": package},
                returncode=NOT_RECORDED,
            )
        self.stdout.write(_("%(path)s: verified.") % {"path": package})

    def _signature(self, result: Verification) -> None:
        check = result.signature
        if result.signature_problems or check is None:
            self.stderr.write(_("Signature: NOT valid."))
            for problem in result.signature_problems:
                self.stderr.write(f"  {problem}")
            return
        if check.key is None:
            self.stdout.write(_("Signature: valid, by the key you gave (%(key)s).") % {"key": check.key_id_text})
        else:
            self.stdout.write(
                _("Signature: valid, by key %(key)s of %(organisation)s, made on %(date)s (%(state)s).")
                % {
                    "key": check.key_id_text,
                    "organisation": check.key.organisation.name,
                    "date": check.key.created_at.date().isoformat(),
                    "state": _key_state(check.key),
                }
            )
        self.stdout.write(_("Signed comment: %(comment)s") % {"comment": check.trusted_comment})

    def _files(self, result: Verification) -> None:
        if result.file_problems:
            self.stderr.write(_("Files: NOT as in the manifest."))
            for problem in result.file_problems:
                self.stderr.write(f"  {problem}")
            return
        self.stdout.write(
            ngettext(
                "Files: the %(count)s file matches the manifest.",
                "Files: all %(count)s files match the manifest.",
                result.checked,
            )
            % {"count": result.checked}
        )

    def _record(self, result: Verification) -> None:
        recorded = result.recorded
        if recorded is None:
            self.stdout.write(_("Record: this database has no record of this package."))
            return
        self.stdout.write(
            _("Record: this database recorded this package when it was made, on %(date)s.")
            % {"date": recorded.made_at.isoformat(timespec="seconds")}
        )


def _key_state(key: Any) -> str:
    if key.revoked_from is not None:
        return _("revoked from %(date)s") % {"date": key.revoked_from.isoformat(timespec="minutes")}
    if key.retired_at is not None:
        return _("replaced by a newer key on %(date)s") % {"date": key.retired_at.date().isoformat()}
    return _("the organisation's current key")
