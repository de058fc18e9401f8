"""Chat exports turned into a timeline, a list of what could not be read, and proposed identifiers.

``import_chat_export(file)`` takes what the survivor's phone exported: a WhatsApp ``.txt``, a
WhatsApp ``.zip`` with media, a Telegram ``result.json`` or a zip holding one. The kind of file is
recognised from its content, never from its name; exports of other kinds (Signal, Telegram's HTML)
are named for what they are. Media files are handed, as streams, to ``on_attachment(name, stream)``;
nothing is ever written to disk here. Every failure is a :class:`ChatImportError` with a sentence
for the caseworker.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
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
    decode_text,
    display_name,
    open_archive,
)
from amana.evidence.chat_import.results import (
    AccountChat,
    AccountExportDamaged,
    ChatFileDamaged,
    ChatImport,
    ChatImportError,
    ChatMessage,
    ChatNotInExport,
    Collector,
    ExportTooLarge,
    ImportLimits,
    ImportProblem,
    NotAChatExport,
    ProposedIdentifier,
    SignalExport,
    TelegramHtmlExport,
    WholeAccountExport,
)
from amana.evidence.chat_import.telegram import parse_telegram
from amana.evidence.chat_import.whatsapp import DateExample, DatesAmbiguous, parse_whatsapp
from amana.evidence.identifiers import Identifier

__all__ = [
    "AccountChat",
    "AccountExportDamaged",
    "ArchiveTooLarge",
    "ArchiveTooManyFiles",
    "ArchiveUnreadable",
    "AttachmentHandler",
    "ChatFileDamaged",
    "ChatImport",
    "ChatImportError",
    "ChatMessage",
    "ChatNotInExport",
    "DateExample",
    "DatesAmbiguous",
    "ExportTooLarge",
    "ImportLimits",
    "ImportProblem",
    "NotAChatExport",
    "ProposedIdentifier",
    "SignalExport",
    "TelegramHtmlExport",
    "WholeAccountExport",
    "import_chat_export",
]

# Called once per media file of an archive with its name inside the export and a stream to read.
AttachmentHandler = Callable[[str, BinaryIO], None]

_CHAT_NAME_HINTS = ("whatsapp", "واتساب", "chat", "محادثة", "دردشة")
# Signal has no export of its own; the tools people use write a "chat.md" per conversation, or
# headers such as "Conversation:" and "From:" before each message.
_SIGNAL_TEXT = re.compile(rb"^(?:Conversation|From|Type|Sent|Received): .{1,200}$", re.MULTILINE)
_HTML = re.compile(rb"^\s*(?:<!DOCTYPE html|<html)", re.IGNORECASE)


def import_chat_export(
    file: bytes | BinaryIO,
    *,
    tz: tzinfo | None = None,
    on_attachment: AttachmentHandler | None = None,
    limits: ImportLimits | None = None,
    date_order: str = "",
    chat: int | None = None,
    own: Iterable[Identifier] = (),
) -> ChatImport:
    """Read an export. Raises a :class:`ChatImportError` only when nothing at all could be imported.

    ``tz`` is the phone's time zone (WhatsApp writes local times without one); amana's own by default.
    ``date_order`` ("dmy" or "mdy") is the caseworker's choice when the file could not tell
    (:class:`DatesAmbiguous`); ``chat`` the chat she picked from a whole Telegram account
    (:class:`WholeAccountExport`); ``own`` her own numbers and accounts, never proposed as his.
    """
    limits = limits or ImportLimits()
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    stream = _seekable(file, limits)
    head = stream.read(4096)
    stream.seek(0)
    if not head.strip():
        raise NotAChatExport()
    collector = Collector(ChatImport(source="whatsapp"), limits, own)
    reading = _Reading(tz=tz, date_order=date_order, chat=chat, collector=collector)
    try:
        if head.startswith(b"PK"):
            return _import_archive(stream, reading, on_attachment)
        return _import_text(_read_bounded(stream, limits), reading)
    except (DamagedMember, MemberTooLarge, zipfile.BadZipFile, zlib.error, EOFError) as error:
        # What the checks above did not catch: a damaged archive, a member lying about its size.
        raise ArchiveUnreadable() from error


class _Reading:
    """What one import needs to know besides the bytes."""

    def __init__(self, *, tz: tzinfo, date_order: str, chat: int | None, collector: Collector) -> None:
        self.tz = tz
        self.date_order = date_order
        self.chat = chat
        self.collector = collector


def _import_text(data: bytes, reading: _Reading, *, attached: bool = False) -> ChatImport:
    """A chat text or a result.json, already read; ``attached`` when its media come with it."""
    collector = reading.collector
    start = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{"):
        collector.result.source = "telegram"
        collector.result.messages = parse_telegram(data, collector, reading.tz, chat=reading.chat)
        return collector.finish()
    if _HTML.match(start):
        raise TelegramHtmlExport() if b"tgme" in data[:65536] or b"Telegram" in data[:65536] else NotAChatExport()
    if len(_SIGNAL_TEXT.findall(data[:8192])) >= 3:
        raise SignalExport()
    text = decode_text(data, collector)
    if "\x00" in text[:4096]:
        raise NotAChatExport()
    collector.result.messages = parse_whatsapp(
        io.StringIO(text, newline=None), collector, reading.tz, reading.date_order
    )
    if not collector.result.messages:
        raise NotAChatExport()
    with_files = sum(1 for message in collector.result.messages if message.attachments)
    if with_files and not attached:
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


def _choose_chat_member(archive: SafeArchive) -> zipfile.ZipInfo:
    """The chat inside an archive. Steps: a Telegram result.json, iPhone's _chat.txt, then the text
    file whose name says it is a chat (Android: "WhatsApp Chat with …"), then the only one. A Signal
    export (chat.md) and Telegram's HTML export (messages.html) are refused for what they are.
    """

    def depth(info: zipfile.ZipInfo) -> int:
        return info.filename.count("/")

    by_depth = sorted(archive.members, key=depth)
    names = {posixpath.basename(info.filename).lower() for info in by_depth}
    for info in by_depth:
        if posixpath.basename(info.filename) == "result.json":
            return info
    texts = [info for info in by_depth if info.filename.lower().endswith(".txt")]
    for info in texts:
        if posixpath.basename(info.filename) == "_chat.txt":
            return info
    named = [info for info in texts if any(hint in info.filename.lower() for hint in _CHAT_NAME_HINTS)]
    if named or texts:
        return (named or texts)[0]
    if "chat.md" in names:
        raise SignalExport()
    if "messages.html" in names:
        raise TelegramHtmlExport()
    raise NotAChatExport()


def _import_archive(stream: BinaryIO, reading: _Reading, on_attachment: AttachmentHandler | None) -> ChatImport:
    collector = reading.collector
    limits = collector.limits
    archive = open_archive(stream, limits, collector)
    chat = _choose_chat_member(archive)
    if chat.file_size > limits.max_text_bytes:
        raise ExportTooLarge(megabytes=limits.max_text_bytes // MEGABYTE)
    result = _import_text(archive.read(chat, collector), reading, attached=True)
    root = posixpath.dirname(chat.filename)
    files = [(_relative(info.filename, root), info) for info in archive.members if info is not chat]
    _report_duplicates(files, collector)
    _report_missing(result.messages, files, collector)
    if on_attachment is not None:
        for name, info in files:
            _deliver(archive, name, info, on_attachment, collector)
    return collector.finish()


def _relative(name: str, root: str) -> str:
    return posixpath.relpath(name, root) if root and name.startswith(root + "/") else name


def _report_duplicates(files: list[tuple[str, zipfile.ZipInfo]], collector: Collector) -> None:
    """Two members of one name are both kept; the caseworker is told, as a message can name only one."""
    for name, count in Counter(name for name, _info in files).items():
        if count > 1:
            collector.problem(
                ngettext_lazy(
                    "The archive holds %(count)s file named “%(name)s”; it was kept.",
                    "The archive holds %(count)s files named “%(name)s”; all were kept, so check which one a "
                    "message means.",
                    "count",
                ),
                count=count,
                name=display_name(name),
            )


def _report_missing(
    messages: list[ChatMessage], files: list[tuple[str, zipfile.ZipInfo]], collector: Collector
) -> None:
    names = {name for name, _info in files}
    basenames = {posixpath.basename(name) for name in names}
    template = _("Line %(line)s: the attached file “%(name)s” is not in the export.")
    if collector.result.source == "telegram":
        template = _("Message %(line)s: the attached file “%(name)s” is not in the export.")
    for message in messages:
        for name in message.attachments:
            if name not in names and posixpath.basename(name) not in basenames:
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
