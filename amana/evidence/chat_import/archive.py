"""Reading exports safely: bounded streams and zip archives that are checked before anything is read.

Nothing here writes to disk. Archive members are read as streams and handed to the caller, who
decides where they go (the vault, in amana). A member is refused when its name could point outside
the export (``../``, an absolute or drive path), when it is a symbolic link or encrypted, or when it
unpacks to far more than its compressed size (a zip bomb); the archive as a whole is refused when it
declares too many members or too many bytes.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amana.evidence.chat_import.results import ChatImportError, Collector, ExportTooLarge, ImportLimits

MEGABYTE = 1024 * 1024

# What a damaged member raises while it is read.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


class ArchiveUnreadable(ChatImportError):
    template = _("This archive is damaged and cannot be opened. Nothing was imported; ask for a new export.")


class ArchiveTooManyFiles(ChatImportError):
    template = _(
        "This archive holds more than %(count)s files, more than any chat export. Nothing was imported; check "
        "that it is the export from the phone."
    )


class ArchiveTooLarge(ChatImportError):
    template = _(
        "This archive would unpack to more than %(megabytes)s MB, which could overload the server. Nothing was "
        "imported."
    )


class MemberTooLarge(Exception):
    """A stream gave more bytes than it was allowed to."""


class DamagedMember(Exception):
    """A stream could not be read to its end (bad data, wrong checksum, cut short)."""


class LimitedReader(io.RawIOBase):
    """A binary stream that raises once more than ``limit`` bytes have been read from it."""

    def __init__(self, raw: BinaryIO, limit: int, error: Callable[[], Exception]) -> None:
        self._raw = raw
        self._left = limit
        self._error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]  # RawIOBase's buffer
        # Ask for one byte more than allowed, so that reaching the limit exactly is not an error.
        wanted = min(len(buffer), self._left + 1)
        try:
            data = self._raw.read(wanted)
        except READ_ERRORS as error:
            raise DamagedMember() from error
        if len(data) > self._left:
            raise self._error()
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def text_stream(raw: BinaryIO, limits: ImportLimits) -> io.TextIOWrapper:
    """Decode a chat text: UTF-16 when it starts with its mark, else UTF-8; unreadable bytes become U+FFFD."""

    def too_large() -> Exception:
        return ExportTooLarge(megabytes=limits.max_text_bytes // MEGABYTE)

    limited = LimitedReader(raw, limits.max_text_bytes, too_large)
    buffered = io.BufferedReader(limited)
    start = buffered.peek(4)[:4]
    encoding = "utf-16" if start[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline=None)


@dataclass
class SafeArchive:
    """A zip file whose members passed the checks; ``members`` are regular files only."""

    zip: zipfile.ZipFile
    members: list[zipfile.ZipInfo]
    limits: ImportLimits

    def open(self, member: zipfile.ZipInfo, limit: int) -> BinaryIO:
        return io.BufferedReader(LimitedReader(self.zip.open(member), limit, MemberTooLarge))  # type: ignore[arg-type]  # ZipExtFile is a binary stream


def display_name(name: str) -> str:
    """A member name safe to show: no control characters, not too long."""
    name = "".join(char if char.isprintable() else "?" for char in name)
    return name if len(name) <= 80 else name[:77] + "…"


_DRIVE = re.compile(r"^[A-Za-z]:")


def _refusal(member: zipfile.ZipInfo, limits: ImportLimits) -> Promise | None:
    """Why a member must not be read, or None. Each reason is a whole sentence with the name in it."""
    name = member.filename
    parts = re.split(r"[/\\]", name)
    if not name.strip() or "\x00" in name or name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
        return _("The file “%(name)s” in the archive has a name that points outside the export; it was skipped.")
    if stat.S_ISLNK(member.external_attr >> 16):
        return _("The file “%(name)s” in the archive is a link to another file; it was skipped.")
    if member.flag_bits & 0x1:
        return _("The file “%(name)s” in the archive is protected by a password; it was skipped.")
    compressed = max(member.compress_size, 1)
    if member.file_size > limits.ratio_exempt_bytes and member.file_size > limits.max_compression_ratio * compressed:
        return _(
            "The file “%(name)s” in the archive unpacks to far more than its size, as a zip bomb does; it was skipped."
        )
    return None


def open_archive(file: BinaryIO, limits: ImportLimits, collector: Collector) -> SafeArchive:
    """Open and check an archive. Steps: refuse unreadable, overfull or oversized ones; skip unsafe members."""
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except READ_ERRORS as error:
        raise ArchiveUnreadable() from error
    if len(infos) > limits.max_archive_members:
        raise ArchiveTooManyFiles(count=limits.max_archive_members)
    if sum(info.file_size for info in infos) > limits.max_total_uncompressed:
        raise ArchiveTooLarge(megabytes=limits.max_total_uncompressed // MEGABYTE)
    members = []
    for info in infos:
        refusal = _refusal(info, limits)
        if refusal is not None:
            collector.problem(refusal, name=display_name(info.filename))
        elif not info.is_dir():
            members.append(info)
    return SafeArchive(zip=archive, members=members, limits=limits)


def safe_lines(stream: io.TextIOWrapper, collector: Collector) -> Iterator[str]:
    """The lines of a chat text; a damaged archive member ends them with a problem instead of an error."""
    line_number = 0
    try:
        for line in stream:
            line_number += 1
            yield line
    except (MemberTooLarge, DamagedMember):
        collector.problem(
            _("The chat text is damaged after line %(line)s; everything before it was imported."), line=line_number
        )
