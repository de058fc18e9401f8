"""What an import produces: the timeline, what could not be read, and the proposed identifiers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from amana.evidence.identifiers import Identifier, IdentifierKind


@dataclass(frozen=True)
class ImportLimits:
    """Bounds that keep a damaged or hostile export from exhausting the server."""

    # The chat text (or result.json) itself, uncompressed.
    max_text_bytes: int = 64 * 1024 * 1024
    # Every member of an archive together, as the archive declares them (checked before reading).
    max_total_uncompressed: int = 2 * 1024 * 1024 * 1024
    # One attachment (a video may be large; a zip bomb is larger).
    max_member_bytes: int = 512 * 1024 * 1024
    max_archive_members: int = 5000
    # Uncompressed size over compressed size; real media barely compresses, a zip bomb does ~1000x.
    max_compression_ratio: int = 200
    # Below this size a member may compress as well as it likes (short, repetitive text does).
    ratio_exempt_bytes: int = 1024 * 1024
    max_messages: int = 500_000
    max_message_chars: int = 65_536
    max_problems: int = 200


class ChatImportError(Exception):
    """The file as a whole could not be imported; ``message`` says why in the user's language."""

    template: Promise = _("This file could not be imported.")

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.__class__.__name__)

    @property
    def message(self) -> str:
        return str(self.template % self.params) if self.params else str(self.template)


class NotAChatExport(ChatImportError):
    template = _(
        "This file is not a WhatsApp chat export (.txt or .zip) or a Telegram export (result.json). Nothing was "
        "imported."
    )


class ExportTooLarge(ChatImportError):
    template = _("The chat in this file is larger than %(megabytes)s MB. Nothing was imported.")


class WholeAccountExport(ChatImportError):
    """A Telegram export of a whole account: ``chats`` lists its chats, for the caseworker to pick one."""

    template = _(
        "This is an export of a whole Telegram account, with every chat in it. Choose the chat with the "
        "extortionist below, then choose the file again: only that chat is read. Nothing was imported yet."
    )

    def __init__(self, chats: list[AccountChat] | None = None) -> None:
        super().__init__()
        self.chats = chats or []


@dataclass(frozen=True)
class AccountChat:
    """One chat of a whole-account export: its place in the list, its name and how many messages it has."""

    index: int
    name: str
    messages: int


class AccountExportDamaged(ChatImportError):
    template = _(
        "This export of a whole Telegram account is damaged, so its chats cannot be listed. Nothing was "
        "imported; export only the chat with the extortionist and import that."
    )


class ChatNotInExport(ChatImportError):
    template = _("The chosen chat is not in this export. Choose one of its chats. Nothing was imported.")


class SignalExport(ChatImportError):
    template = _(
        "This is an export of a Signal chat. amana reads WhatsApp and Telegram exports only: add screenshots "
        "of the Signal chat as files of the case instead. Nothing was imported."
    )


class TelegramHtmlExport(ChatImportError):
    template = _(
        "This is Telegram's HTML export, which cannot be read reliably. Export the chat again in Telegram "
        "Desktop and choose “Machine-readable JSON” as the format. Nothing was imported."
    )


class ChatFileDamaged(ChatImportError):
    template = _(
        "The chat inside this archive is damaged and none of it could be read. Nothing was imported; ask for a "
        "new export."
    )


@dataclass(frozen=True)
class ImportProblem:
    """Something that could not be read; shown to staff as one translated sentence."""

    template: Promise
    params: dict[str, Any] = field(default_factory=dict)
    line: int | None = None

    def __str__(self) -> str:
        return str(self.template % self.params) if self.params else str(self.template)


@dataclass(slots=True)
class ChatMessage:
    """One entry of the timeline. ``line`` is the line in a WhatsApp export, the message number in Telegram."""

    line: int
    sent_at: datetime
    sender: str
    text: str
    attachments: list[str] = field(default_factory=list)
    media_omitted: bool = False
    # A line the app wrote (encryption notice, missed call, member added), not a message someone typed.
    is_notice: bool = False


@dataclass
class ProposedIdentifier:
    """An identifier found in the export, for a caseworker to confirm as the extortionist's (or not)."""

    identifier: Identifier
    first_line: int
    # The name the chat shows for this sender, when the identifier is a sender of messages.
    sender_name: str = ""
    messages_sent: int = 0
    mentions: int = 0
    # The other person of a one-to-one chat, as the export itself says.
    counterpart: bool = False

    @property
    def reason(self) -> str:
        parts = [str(_("The other person in this one-to-one chat."))] if self.counterpart else []
        if self.messages_sent:
            sent = ngettext("Sent %(count)s message.", "Sent %(count)s messages.", self.messages_sent)
            parts.append(sent % {"count": self.messages_sent})
        if self.mentions:
            mentioned = ngettext("Mentioned %(count)s time.", "Mentioned %(count)s times.", self.mentions)
            parts.append(mentioned % {"count": self.mentions})
        return " ".join(parts)


@dataclass
class ChatImport:
    source: str  # "whatsapp" or "telegram"
    chat_name: str = ""
    messages: list[ChatMessage] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    proposed_identifiers: list[ProposedIdentifier] = field(default_factory=list)
    # Files of the export handed to the caller (relative names inside the archive).
    attachments_received: list[str] = field(default_factory=list)
    # Problems beyond ImportLimits.max_problems are counted, not listed.
    problems_not_listed: int = 0
    # How the chat text was written: "utf-8", "utf-16" or "windows-1256" (JSON is always UTF-8).
    encoding: str = "utf-8"
    # The names her own messages are shown under, where the export says which account or number
    # sent them and it is hers (her Telegram account, her number as a sender's name).
    her_senders: list[str] = field(default_factory=list)
    # Her own phone numbers (E.164) as the import knew them: the one she gave, her Telegram account's.
    her_numbers: list[str] = field(default_factory=list)

    @property
    def senders(self) -> list[str]:
        return list(dict.fromkeys(message.sender for message in self.messages if message.sender))


class Collector:
    """Gathers problems (up to a limit) and identifier proposals while a parser runs."""

    def __init__(self, result: ChatImport, limits: ImportLimits, own: Iterable[Identifier] = ()) -> None:
        self.result = result
        self.limits = limits
        self._proposals: dict[Identifier, ProposedIdentifier] = {}
        # Hers: the number or account she named as her own, or the account her messages come from.
        self.own: set[Identifier] = set(own)
        # Every name each sending account or number was shown under.
        self._names: dict[Identifier, set[str]] = {}

    def problem(self, template: Promise, line: int | None = None, **params: Any) -> None:
        if len(self.result.problems) >= self.limits.max_problems:
            self.result.problems_not_listed += 1
            return
        if line is not None:
            params["line"] = line
        self.result.problems.append(ImportProblem(template=template, params=params, line=line))

    def _proposal(self, identifier: Identifier, line: int) -> ProposedIdentifier:
        proposal = self._proposals.get(identifier)
        if proposal is None:
            proposal = self._proposals[identifier] = ProposedIdentifier(identifier=identifier, first_line=line)
        return proposal

    def sent_by(self, identifier: Identifier, sender_name: str, line: int) -> None:
        proposal = self._proposal(identifier, line)
        proposal.messages_sent += 1
        proposal.sender_name = proposal.sender_name or sender_name
        if sender_name:
            self._names.setdefault(identifier, set()).add(sender_name)

    def counterpart(self, identifier: Identifier, name: str) -> None:
        proposal = self._proposal(identifier, 0)
        proposal.counterpart = True
        proposal.sender_name = name

    def mentioned(self, identifiers: list[Identifier], line: int) -> None:
        for identifier in identifiers:
            self._proposal(identifier, line).mentions += 1

    def finish(self) -> ChatImport:
        if self.result.problems_not_listed:
            self.result.problems.append(
                ImportProblem(
                    template=ngettext_lazy(
                        "%(count)s more problem was found and is not listed.",
                        "%(count)s more problems were found and are not listed.",
                        "count",
                    ),
                    params={"count": self.result.problems_not_listed},
                )
            )
        self.result.her_senders = sorted({name for own in self.own for name in self._names.get(own, ())})
        self.result.her_numbers = sorted(own.value for own in self.own if own.kind == IdentifierKind.PHONE)
        # Senders first (most messages first), then what is mentioned most; never her own.
        proposals = [proposal for proposal in self._proposals.values() if proposal.identifier not in self.own]
        self.result.proposed_identifiers = sorted(
            proposals, key=lambda p: (not p.counterpart, -p.messages_sent, -p.mentions, p.first_line)
        )
        return self.result
