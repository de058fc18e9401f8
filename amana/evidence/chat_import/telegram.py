"""Telegram Desktop's "Export chat history" in machine-readable JSON (``result.json``).

A message's ``text`` is a string or a list of strings and entities (mentions, phone numbers, links).
``date_unixtime`` (newer exports) is exact; ``date`` is the exporting computer's local time. A file
cut short is read message by message up to where it breaks.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from amana.evidence.chat_import.results import (
    AccountChat,
    AccountExportDamaged,
    ChatMessage,
    ChatNotInExport,
    Collector,
    NotAChatExport,
    WholeAccountExport,
)
from amana.evidence.identifiers import (
    Identifier,
    IdentifierError,
    IdentifierKind,
    find_identifiers_in_text,
    normalise_handle,
    normalise_phone,
    parse_identifier,
)

# What Telegram writes instead of a path when the file was not exported.
_NOT_INCLUDED = "(File not included"
_MEDIA_FIELDS = ("photo", "file")
_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"\s*")


def _messages_of(data: bytes, collector: Collector, chat: int | None) -> tuple[dict[str, Any], list[Any]]:
    """The chat's header fields and its messages; a truncated file yields the messages before the break.

    A whole account's export holds many chats: the one picked (``chat``) is read, or the list of them
    is offered for the caseworker to pick from.
    """
    text = data.decode("utf-8-sig", errors="replace")
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return _salvage(text, collector)
    if not isinstance(document, dict):
        raise NotAChatExport()
    if isinstance(document.get("chats"), dict) and "messages" not in document:
        document = _picked_chat(document, chat, collector)
    messages = document.get("messages")
    if not isinstance(messages, list):
        raise NotAChatExport()
    return document, messages


def _picked_chat(account: dict[str, Any], chat: int | None, collector: Collector) -> dict[str, Any]:
    """The chat picked from a whole account's export; her own account (the exporter's) is noted as hers."""
    chats = account["chats"].get("list")
    if not isinstance(chats, list):
        raise NotAChatExport()
    owner = account.get("personal_information")
    if isinstance(owner, dict):
        if str(owner.get("user_id", "")).isdigit():
            collector.own.add(Identifier(IdentifierKind.TELEGRAM, str(owner["user_id"])))
        with contextlib.suppress(IdentifierError):
            collector.own.add(normalise_phone(str(owner.get("phone_number", ""))))
    if chat is None:
        raise WholeAccountExport(
            [
                AccountChat(index=index, name=str(item.get("name") or ""), messages=len(item.get("messages") or []))
                for index, item in enumerate(chats)
                if isinstance(item, dict)
            ]
        )
    if not (0 <= chat < len(chats)) or not isinstance(chats[chat], dict):
        raise ChatNotInExport()
    picked: dict[str, Any] = chats[chat]
    return picked


def _salvage(text: str, collector: Collector) -> tuple[dict[str, Any], list[Any]]:
    """Read a broken result.json one message at a time, from its ``"messages": [`` on."""
    start = text.find('"messages"')
    bracket = text.find("[", start) if start >= 0 else -1
    if bracket < 0:
        raise NotAChatExport()
    if '"chats"' in text[:start]:
        raise AccountExportDamaged()
    header = {key: _header_value(text, key, start) for key in ("name", "type", "id")}
    messages: list[Any] = []
    position = bracket + 1
    while True:
        position += _spaces(text, position)
        if position < len(text) and text[position] == ",":
            position += 1
            position += _spaces(text, position)
        if position >= len(text) or text[position] == "]":
            break
        try:
            message, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError:
            break
        messages.append(message)
    if position >= len(text) or text[position] != "]":
        collector.problem(
            _("The export is cut short or damaged after message %(count)s; the messages before it were imported."),
            count=len(messages),
        )
    return header, messages


def _spaces(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    return match.end() - position if match else 0


def _header_value(text: str, key: str, end: int) -> Any:
    """One top-level field written before the messages (name, type, id), or None."""
    found = text.find(f'"{key}"', 0, end)
    colon = text.find(":", found) if found >= 0 else -1
    if colon < 0:
        return None
    try:
        return _DECODER.raw_decode(text, colon + 1 + _spaces(text, colon + 1))[0]
    except json.JSONDecodeError:
        return None


def _plain_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in value if part)
    return ""


def _entity_identifiers(value: Any) -> list[Identifier]:
    """Mentions, phone numbers and links that Telegram itself marked in the text."""
    found: list[Identifier] = []
    for part in value if isinstance(value, list) else []:
        if not isinstance(part, dict):
            continue
        kind, text = part.get("type"), str(part.get("text", ""))
        try:
            if kind == "mention":
                found.append(normalise_handle(IdentifierKind.TELEGRAM, text))
            elif kind == "mention_name" and str(part.get("user_id", "")).isdigit():
                found.append(Identifier(IdentifierKind.TELEGRAM, str(part["user_id"])))
            elif kind == "text_link" and part.get("href"):
                found.append(parse_identifier(str(part["href"])))
        except IdentifierError:
            continue
    return found


def _sender_account(from_id: Any) -> Identifier | None:
    """Telegram's numeric account id of a sender ("user123456789"); it stays when the user name changes."""
    value = str(from_id or "")
    if value.startswith("user") and value[4:].isdigit():
        return Identifier(IdentifierKind.TELEGRAM, value[4:])
    return None


def _sent_at(message: dict[str, Any], tz: tzinfo) -> datetime | None:
    unixtime = str(message.get("date_unixtime", ""))
    try:
        if unixtime.isdigit():
            return datetime.fromtimestamp(int(unixtime), tz=UTC).astimezone(tz)
        local = datetime.fromisoformat(str(message.get("date", "")))
    except (ValueError, OverflowError, OSError):
        return None
    return local if local.tzinfo else local.replace(tzinfo=tz)


def _attachments(message: dict[str, Any]) -> tuple[list[str], bool]:
    names, omitted = [], False
    for key in _MEDIA_FIELDS:
        value = message.get(key)
        if isinstance(value, str) and value:
            if value.startswith(_NOT_INCLUDED):
                omitted = True
            else:
                names.append(value)
    return names, omitted


def parse_telegram(data: bytes, collector: Collector, tz: tzinfo, *, chat: int | None = None) -> list[ChatMessage]:
    """The timeline of one Telegram chat. Steps: find the messages, read each, report what cannot be read."""
    header, raw_messages = _messages_of(data, collector, chat)
    result = collector.result
    result.chat_name = str(header.get("name") or "")
    if header.get("type") == "personal_chat" and str(header.get("id", "")).isdigit():
        # In a one-to-one chat the chat's id is the other person's account id; every other sender is her.
        counterpart = Identifier(IdentifierKind.TELEGRAM, str(header["id"]))
        collector.counterpart(counterpart, result.chat_name)
        collector.own.update(
            account
            for account in (_sender_account(raw.get("from_id")) for raw in raw_messages if isinstance(raw, dict))
            if account is not None and account != counterpart
        )
    messages: list[ChatMessage] = []
    for number, raw in enumerate(raw_messages, start=1):
        if len(messages) >= collector.limits.max_messages:
            collector.problem(
                ngettext_lazy(
                    "Only the first %(count)s message was imported; the export has more.",
                    "Only the first %(count)s messages were imported; the export has more.",
                    "count",
                ),
                count=collector.limits.max_messages,
            )
            break
        message = _read_message(raw, number, collector, tz)
        if message is not None:
            messages.append(message)
    return messages


def _read_message(raw: Any, number: int, collector: Collector, tz: tzinfo) -> ChatMessage | None:
    if not isinstance(raw, dict):
        collector.problem(_("Message %(line)s could not be read."), line=number)
        return None
    sent_at = _sent_at(raw, tz)
    if sent_at is None:
        collector.problem(_("Message %(line)s: the date could not be read, so it was left out."), line=number)
        return None
    is_notice = raw.get("type") == "service"
    sender = str(raw.get("actor" if is_notice else "from") or "")
    text = _plain_text(raw.get("text"))
    if is_notice and not text:
        text = str(raw.get("action", "")).replace("_", " ")
    limit = collector.limits.max_message_chars
    if len(text) > limit:
        text = text[:limit]
        collector.problem(
            ngettext_lazy(
                "Message %(line)s is very long; only its first %(count)s character was kept.",
                "Message %(line)s is very long; only its first %(count)s characters were kept.",
                "count",
            ),
            line=number,
            count=limit,
        )
    attachments, omitted = _attachments(raw)
    account = _sender_account(raw.get("actor_id" if is_notice else "from_id"))
    if account is not None and not is_notice:
        collector.sent_by(account, sender, number)
    if text and not is_notice:
        mentioned = find_identifiers_in_text(text) + _entity_identifiers(raw.get("text"))
        collector.mentioned(list(dict.fromkeys(mentioned)), number)
    return ChatMessage(
        line=number,
        sent_at=sent_at,
        sender=sender,
        text=text,
        attachments=attachments,
        media_omitted=omitted,
        is_notice=is_notice,
    )
