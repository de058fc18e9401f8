"""Chat exports turned into a timeline, a list of what could not be read, and proposed identifiers.

``import_chat_export(file)`` takes what the survivor's phone exported: a WhatsApp ``.txt``, a
WhatsApp ``.zip`` with media, a Telegram ``result.json`` or a zip holding one. The kind of file is
recognised from its content, never from its name. Media files are handed, as streams, to
``on_attachment(name, stream)``; nothing is ever written to disk here.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable
from datetime import tzinfo
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from amana.evidence.chat_import.archive import (
    MEGABYTE,
    ArchiveTooLarge,
    ArchiveTooManyFiles,
    ArchiveUnreadable,
    DamagedMember,
    MemberTooLarge,
    SafeArchive,
    display_name,
    open_archive,
    safe_lines,
    text_stream,
)
from amana.evidence.chat_import.results import (
    ChatImport,
    ChatImportError,
    ChatMessage,
    Collector,
    ExportTooLarge,
    ImportLimits,
    ImportProblem,
    NotAChatExport,
    ProposedIdentifier,
    WholeAccountExport,
)
from amana.evidence.chat_import.telegram import parse_telegram
from amana.evidence.chat_import.whatsapp import parse_whatsapp

__all__ = [
    "ArchiveTooLarge",
    "ArchiveTooManyFiles",
    "ArchiveUnreadable",
    "AttachmentHandler",
    "ChatImport",
    "ChatImportError",
    "ChatMessage",
    "ExportTooLarge",
    "ImportLimits",
    "ImportProblem",
    "NotAChatExport",
    "ProposedIdentifier",
    "WholeAccountExport",
    "import_chat_export",
]

# Called once per media file of an archive with its name inside the export and a stream to read.
AttachmentHandler = Callable[[str, BinaryIO], None]

_CHAT_NAME_HINTS = ("whatsapp", "واتساب", "chat", "محادثة", "دردشة")


def import_chat_export(
    file: bytes | BinaryIO,
    *,
    tz: tzinfo | None = None,
    on_attachment: AttachmentHandler | None = None,
    limits: ImportLimits | None = None,
) -> ChatImport:
    """Read an export. Raises a :class:`ChatImportError` only when nothing at all could be imported.

    ``tz`` is the phone's time zone (WhatsApp writes local times without one); amana's own by default.
    """
    limits = limits or ImportLimits()
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    stream = _seekable(file, limits)
    head = stream.read(4096)
    stream.seek(0)
    if not head.strip():
        raise NotAChatExport()
    if head.startswith(b"PK"):
        return _import_archive(stream, tz, on_attachment, limits)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        result = ChatImport(source="telegram")
        collector = Collector(result, limits)
        result.messages = parse_telegram(_read_bounded(stream, limits), result, collector, tz)
        return collector.finish()
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotAChatExport()
    result = ChatImport(source="whatsapp")
    collector = Collector(result, limits)
    _parse_whatsapp(stream, tz, collector)
    with_files = sum(1 for message in result.messages if message.attachments)
    if with_files:
        collector.problem(
            ngettext_lazy(
                "%(count)s message names an attached file, but this export holds no files. Export the chat again "
                "with media (a .zip file) to keep them as evidence.",
                "%(count)s messages name attached files, but this export holds no files. Export the chat again "
                "with media (a .zip file) to keep them as evidence.",
                "count",
            ),
            count=with_files,
        )
    return collector.finish()


def _seekable(file: bytes | BinaryIO, limits: ImportLimits) -> BinaryIO:
    if isinstance(file, bytes | bytearray):
        return io.BytesIO(file)
    if file.seekable():
        file.seek(0)
        return file
    return io.BytesIO(_read_bounded(file, limits))


def _read_bounded(stream: BinaryIO, limits: ImportLimits) -> bytes:
    data = stream.read(limits.max_text_bytes + 1)
    if len(data) > limits.max_text_bytes:
        raise ExportTooLarge(megabytes=limits.max_text_bytes // MEGABYTE)
    return data


def _parse_whatsapp(raw: BinaryIO, tz: tzinfo, collector: Collector) -> None:
    lines = safe_lines(text_stream(raw, collector.limits), collector)
    messages, dated_lines = parse_whatsapp(lines, collector, tz)
    if not dated_lines:
        raise NotAChatExport()
    collector.result.messages = messages


def _choose_chat_member(archive: SafeArchive) -> tuple[zipfile.ZipInfo, str]:
    """The chat inside an archive and its kind. Steps: a Telegram result.json, iPhone's _chat.txt, then
    the text file whose name says it is a chat (Android: "WhatsApp Chat with …"), then the only one.
    """

    def depth(info: zipfile.ZipInfo) -> int:
        return info.filename.count("/")

    by_depth = sorted(archive.members, key=depth)
    for info in by_depth:
        if posixpath.basename(info.filename) == "result.json":
            return info, "telegram"
    texts = [info for info in by_depth if info.filename.lower().endswith(".txt")]
    for info in texts:
        if posixpath.basename(info.filename) == "_chat.txt":
            return info, "whatsapp"
    named = [info for info in texts if any(hint in info.filename.lower() for hint in _CHAT_NAME_HINTS)]
    if named or texts:
        return (named or texts)[0], "whatsapp"
    raise NotAChatExport()


def _import_archive(
    stream: BinaryIO, tz: tzinfo, on_attachment: AttachmentHandler | None, limits: ImportLimits
) -> ChatImport:
    result = ChatImport(source="whatsapp")
    collector = Collector(result, limits)
    archive = open_archive(stream, limits, collector)
    chat, kind = _choose_chat_member(archive)
    if chat.file_size > limits.max_text_bytes:
        raise ExportTooLarge(megabytes=limits.max_text_bytes // MEGABYTE)
    if kind == "telegram":
        result.source = "telegram"
        result.messages = parse_telegram(_read_member(archive, chat, collector), result, collector, tz)
    else:
        _parse_whatsapp(archive.open(chat, limits.max_text_bytes), tz, collector)
    root = posixpath.dirname(chat.filename)
    files = {_relative(info.filename, root): info for info in archive.members if info is not chat}
    _report_missing(result.messages, files, collector)
    if on_attachment is not None:
        for name, info in files.items():
            _deliver(archive, name, info, on_attachment, collector)
    return collector.finish()


def _relative(name: str, root: str) -> str:
    return posixpath.relpath(name, root) if root and name.startswith(root + "/") else name


def _read_member(archive: SafeArchive, member: zipfile.ZipInfo, collector: Collector) -> bytes:
    """A member's bytes; when it breaks part-way, what came before (and a problem saying so)."""
    chunks = []
    reader = archive.open(member, archive.limits.max_text_bytes)
    try:
        while chunk := reader.read(1024 * 1024):
            chunks.append(chunk)
    except (DamagedMember, MemberTooLarge):
        collector.problem(_("The chat file in the archive is damaged; what came before the damage was imported."))
    return b"".join(chunks)


def _report_missing(messages: list[ChatMessage], files: dict[str, zipfile.ZipInfo], collector: Collector) -> None:
    basenames = {posixpath.basename(name) for name in files}
    template = _("Line %(line)s: the attached file “%(name)s” is not in the export.")
    if collector.result.source == "telegram":
        template = _("Message %(line)s: the attached file “%(name)s” is not in the export.")
    for message in messages:
        for name in message.attachments:
            if name not in files and posixpath.basename(name) not in basenames:
                collector.problem(template, line=message.line, name=display_name(name))


def _deliver(
    archive: SafeArchive,
    name: str,
    info: zipfile.ZipInfo,
    on_attachment: AttachmentHandler,
    collector: Collector,
) -> None:
    limit = archive.limits.max_member_bytes
    if info.file_size > limit:
        collector.problem(
            _("The file “%(name)s” is larger than %(megabytes)s MB; it was skipped."),
            name=display_name(name),
            megabytes=limit // MEGABYTE,
        )
        return
    try:
        on_attachment(name, archive.open(info, min(limit, info.file_size)))
    except (DamagedMember, MemberTooLarge):
        collector.problem(_("The file “%(name)s” in the archive is damaged; it was skipped."), name=display_name(name))
        return
    collector.result.attachments_received.append(name)
