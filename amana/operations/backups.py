"""One encrypted archive holding the database, the media folder and a signed audit checkpoint.

Archive contents (a gzipped tar, encrypted by amana.vault.backups to the offline backup key):
``manifest.json`` (format, time, database vendor), ``database.sqlite3`` (SQLite backup API) or
``database.pgdump`` (pg_dump, custom format: one consistent snapshot), ``checkpoint.json`` (the audit
chain's head, signed) and ``media/`` (the already-encrypted files).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from amana.audit import checkpoints
from amana.audit.models import AuditEntry
from amana.audit.services import AuditChainBroken, ChainProblem, take_checkpoint, verify_chain
from amana.core.files import fsync_directory
from amana.vault.backups import BackupUnreadable, SealedWriter, open_backup

FORMAT = "amana-backup-1"
SUFFIX = ".amana-backup"


class BackupFailed(Exception):
    """A backup or restore that stopped cleanly; the message says why and what was left as it was."""


@dataclass(frozen=True)
class Made:
    path: Path
    checkpoint: checkpoints.Checkpoint | None
    audit_problem: str


@dataclass(frozen=True)
class Restored:
    entries: int
    problem: ChainProblem | None
    superseded: list[Path]


def _database_settings() -> dict[str, str]:
    db = connection.settings_dict
    return {
        "host": str(db.get("HOST") or "127.0.0.1"),
        "port": str(db.get("PORT") or 5432),
        "user": str(db.get("USER") or "postgres"),
        "name": str(db["NAME"]),
        "password": str(db.get("PASSWORD") or ""),
    }


def _pg_command(program: str, *arguments: str) -> list[str]:
    db = _database_settings()
    return [shutil.which(program) or program, "-h", db["host"], "-p", db["port"], "-U", db["user"], *arguments]


def _pg_environment() -> dict[str, str]:
    environment = dict(os.environ)
    password = _database_settings()["password"]
    if password:
        environment["PGPASSWORD"] = password
    return environment


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=_pg_environment(), check=False)  # noqa: S603
    if result.returncode != 0:
        why = "the disk is full" if "No space left" in result.stderr else result.stderr.strip()[-500:]
        raise BackupFailed(f"{Path(command[0]).name} failed: {why}.")


def _dump_database(folder: Path) -> Path:
    if connection.vendor == "sqlite":
        path = folder / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return path
    path = folder / "database.pgdump"
    name = _database_settings()["name"]
    _run(_pg_command("pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(path), name))
    return path


def _checkpoint() -> tuple[checkpoints.Checkpoint | None, str]:
    try:
        return take_checkpoint(), ""
    except AuditChainBroken as broken:
        # A broken chain must not stop the backup (that is when it matters most); it is reported.
        return None, str(broken)


@contextmanager
def _private_folder(parent: Path) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=".amana-backup-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _describe(error: OSError | sqlite3.Error) -> str:
    if (isinstance(error, OSError) and error.errno == errno.ENOSPC) or "disk is full" in str(error):
        return "the disk is full"
    return (isinstance(error, OSError) and error.strerror) or str(error)


def make_backup(output_dir: Path | None = None) -> Made:
    """Write one encrypted archive to output_dir (AMANA_BACKUP_DIR by default) and return where.

    Steps: take a signed audit checkpoint; dump the database consistently into a private temporary
    folder; stream manifest, dump, checkpoint and media into an encrypted tar beside the target;
    fsync it and rename it into place. Any failure (a full disk included) removes what was written.
    """
    output_dir = output_dir or Path(settings.AMANA_BACKUP_DIR)
    output_dir.mkdir(parents=True, exist_ok=True)
    checkpoint, audit_problem = _checkpoint()
    made_at = timezone.now()
    final = output_dir / f"amana-{made_at.strftime('%Y%m%dT%H%M%SZ')}{SUFFIX}"
    partial = final.with_name(f".{final.name}.partial")
    try:
        with _private_folder(output_dir) as folder:
            dump = _dump_database(folder)
            manifest = {"format": FORMAT, "made_at": made_at.isoformat(), "vendor": connection.vendor}
            (folder / "manifest.json").write_text(json.dumps(manifest))
            if checkpoint is not None:
                (folder / "checkpoint.json").write_text(checkpoint.to_json())
            with partial.open("wb") as target:
                writer = SealedWriter(target)
                with tarfile.open(fileobj=writer, mode="w|gz") as archive:
                    for name in ("manifest.json", "checkpoint.json", dump.name):
                        if (folder / name).exists():
                            archive.add(folder / name, arcname=name)
                    media = Path(settings.MEDIA_ROOT)
                    if media.is_dir():
                        archive.add(media, arcname="media")
                writer.finish()
                target.flush()
                os.fsync(target.fileno())
            partial.replace(final)
            fsync_directory(output_dir)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise BackupFailed(f"The backup could not be written to {output_dir}: {_describe(error)}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Made(path=final, checkpoint=checkpoint, audit_problem=audit_problem)


# Restore ------------------------------------------------------------------------------------


def _unpack(archive: Path, private_key_text: str, folder: Path) -> dict[str, str]:
    """Decrypt and unpack the whole archive into folder, checking every byte before anything changes."""
    try:
        with archive.open("rb") as source:
            reader = open_backup(source, private_key_text)
            try:
                with tarfile.open(fileobj=reader, mode="r|gz") as tar:
                    tar.extractall(folder, filter="data")
            except (tarfile.TarError, EOFError, OSError) as error:
                if isinstance(error, OSError) and error.errno == errno.ENOSPC:
                    raise
                raise BackupUnreadable("The archive is damaged: its contents cannot be read.") from None
            reader.drain()
    except BackupUnreadable as unreadable:
        raise BackupFailed(f"{unreadable} Nothing was changed.") from None
    except OSError as error:
        raise BackupFailed(f"The archive could not be unpacked: {_describe(error)}. Nothing was changed.") from None
    try:
        manifest: dict[str, str] = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        raise BackupFailed("The archive has no readable manifest. Nothing was changed.") from None
    if manifest.get("format") != FORMAT:
        raise BackupFailed("The archive is in a format this version cannot restore. Nothing was changed.")
    return manifest


def _is_empty() -> bool:
    from amana.accounts.models import User
    from amana.cases.models import Case

    tables = set(connection.introspection.table_names())
    if AuditEntry._meta.db_table not in tables:
        return True
    return not (AuditEntry.objects.exists() or User.objects.exists() or Case.objects.exists())


def _media_is_empty() -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def _load_database(folder: Path, vendor: str) -> None:
    if vendor == "sqlite":
        source = sqlite3.connect(folder / "database.sqlite3")
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        return
    connection.close()
    _run(
        _pg_command(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            _database_settings()["name"],
            str(folder / "database.pgdump"),
        )
    )


def _load_media(folder: Path) -> None:
    unpacked = folder / "media"
    if not unpacked.is_dir():
        return
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    for path in sorted(unpacked.rglob("*")):
        target = media / path.relative_to(unpacked)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            shutil.move(path, target)


def _adopt_checkpoint(folder: Path) -> tuple[checkpoints.Checkpoint | None, list[Path]]:
    """Use the archive's checkpoint; move aside later ones, whose entries this backup does not hold."""
    path = folder / "checkpoint.json"
    if not path.exists():
        return None, []
    checkpoint = checkpoints.parse(path.read_text())
    later = checkpoints.later_than(checkpoint.seq)
    if later:
        aside = checkpoints.checkpoint_dir() / f"superseded-{timezone.now().strftime('%Y%m%dT%H%M%SZ')}"
        aside.mkdir(parents=True, exist_ok=True)
        for stale in later:
            stale.replace(aside / stale.name)
    checkpoints.save(checkpoint)
    return checkpoint, later


def restore_backup(archive: Path, private_key_text: str) -> Restored:
    """Rebuild an empty database and media folder from an archive, then verify the audit chain.

    Steps: refuse a database or media folder that holds anything; decrypt and unpack the whole
    archive into a private folder (a wrong key, a damaged or cut-off archive stops here, with
    nothing changed); check it was made from the same kind of database; load the database and the
    media; adopt the archive's checkpoint and verify the chain against it.
    """
    if not archive.is_file():
        raise BackupFailed(f"There is no archive at {archive}. Nothing was changed.")
    if not _is_empty() or not _media_is_empty():
        raise BackupFailed(
            "The database or the media folder is not empty. Restore only into a new, empty database and "
            "media folder. Nothing was changed."
        )
    work = Path(settings.VAR_DIR)
    work.mkdir(parents=True, exist_ok=True)
    with _private_folder(work) as folder:
        manifest = _unpack(archive, private_key_text, folder)
        if manifest.get("vendor") != connection.vendor:
            raise BackupFailed(
                f"The archive holds a {manifest.get('vendor')} database, but this server uses "
                f"{connection.vendor}. Nothing was changed."
            )
        _load_database(folder, connection.vendor)
        _load_media(folder)
        checkpoint, superseded = _adopt_checkpoint(folder)
    return Restored(entries=AuditEntry.objects.count(), problem=verify_chain(checkpoint), superseded=superseded)
