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
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amana.evidence.chat_import.results import ChatFileDamaged, ChatImportError, Collector, ImportLimits

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


def decode_text(data: bytes, collector: Collector) -> str:
    """The chat text, in the encoding it was written in, which is named in the problems unless UTF-8.

    Steps: a byte-order mark says UTF-8 or UTF-16; zero bytes in every other place say UTF-16
    without one; then strict UTF-8; then Windows-1256 (Arabic Windows) when that reads as Arabic;
    else UTF-8 with the unreadable characters replaced (each such line is named by the parser).
    """
    encoding = _encoding_of(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        collector.result.encoding = encoding
        collector.problem(_ENCODING_NAMED, encoding=_ENCODING_LABELS[encoding])
    return data.decode(encoding, errors="replace")


_ENCODING_NAMED = _("The chat was written in %(encoding)s, not in UTF-8; it was read as such.")
_ENCODING_LABELS = {"utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "windows-1256": "Windows-1256"}


def _encoding_of(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4:
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        sample = data[:65536].decode("windows-1256", errors="replace")
        arabic = sum(1 for char in sample if "\u0600" <= char <= "\u06ff")
        if arabic * 10 > len(sample):
            return "windows-1256"
    return "utf-8"


@dataclass
class SafeArchive:
    """A zip file whose members passed the checks; ``members`` are regular files only."""

    zip: zipfile.ZipFile
    members: list[zipfile.ZipInfo]
    limits: ImportLimits

    def open(self, member: zipfile.ZipInfo, limit: int) -> io.BufferedReader:
        """A member's bytes as a stream; a member that cannot even be opened raises :class:`DamagedMember`."""
        try:
            raw = self.zip.open(member)
        except READ_ERRORS as error:
            raise DamagedMember() from error
        return io.BufferedReader(LimitedReader(raw, limit, MemberTooLarge))  # type: ignore[arg-type]  # ZipExtFile is a binary stream

    def read(self, member: zipfile.ZipInfo, collector: Collector) -> bytes:
        """A chat member's bytes; when it breaks part-way, what came before and a problem saying so.

        Raises :class:`ChatFileDamaged` when nothing of it can be read.
        """
        chunks = []
        try:
            reader = self.open(member, self.limits.max_text_bytes)
            while chunk := reader.read1(8192):  # small reads: a break loses little
                chunks.append(chunk)
        except (DamagedMember, MemberTooLarge):
            if not chunks:
                raise ChatFileDamaged() from None
            collector.problem(_("The chat file in the archive is damaged; what came before the damage was imported."))
        return b"".join(chunks)


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
