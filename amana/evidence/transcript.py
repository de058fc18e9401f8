"""A chat's pseudonymised transcript: every imported message as it was written, with her names and
phone numbers replaced by a neutral label ("the survivor"); the extortionist's names, numbers and
accounts are kept.

Which sender is her comes from the import (her Telegram account, her number as a sender's name) or
from the caseworker, who says it on the chat's page; without either no transcript is made, because
her names could not be replaced honestly. The transcript is sealed in the case like any evidence
file (its SHA-256 sealed beside it, a custody record saying it was made from the export).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.audit.services import record
from amana.evidence import selectors
from amana.evidence.identifiers import phone_numbers_in_place, sender_identifier
from amana.evidence.models import ChatTimeline, EvidenceItem, EvidenceKind, IntakeChannel
from amana.vault import services as vault

# Words of a name shorter than this are not replaced alone (they would hit ordinary words).
SHORTEST_NAME_WORD = 3


class TranscriptRefused(Exception):
    """No honest transcript can be made; the message is translated, for the page."""


@dataclass(frozen=True)
class HerSide:
    """What is hers in a chat: the names her messages are shown under, her other names, her numbers."""

    senders: frozenset[str]
    names: tuple[str, ...]
    numbers: frozenset[str]


def _header(timeline: ChatTimeline, keyring: vault.Keyring) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        vault.open_text(timeline.case.evidence_locker, bytes(timeline.timeline_sealed), keyring=keyring)
    )
    return data


def senders_of(timeline: ChatTimeline, *, keyring: vault.Keyring) -> list[str]:
    """Who wrote in the chat, as the import recorded it (read from the messages for older imports)."""
    header = _header(timeline, keyring)
    if "senders" in header:
        return [str(sender) for sender in header["senders"]]
    from amana.evidence.services import open_timeline

    messages = open_timeline(timeline, keyring=keyring).get("messages", [])
    return list(dict.fromkeys(str(message.get("sender", "")) for message in messages if message.get("sender")))


def her_senders(timeline: ChatTimeline, *, keyring: vault.Keyring) -> list[str]:
    return [str(sender) for sender in _header(timeline, keyring).get("her_senders", [])]


def _name_words(name: str) -> list[str]:
    """A name whole, and its first word when it is long enough to be a given name."""
    name = name.strip()
    if not name:
        return []
    first = re.split(r"[\s(]", name, maxsplit=1)[0].strip()
    return [name, first] if first != name and len(first) >= SHORTEST_NAME_WORD else [name]


def her_side(timeline: ChatTimeline, *, keyring: vault.Keyring) -> HerSide | None:
    """Her side of the chat, or None when neither the import nor a caseworker said which sender is her."""
    header = _header(timeline, keyring)
    senders = frozenset(str(sender) for sender in header.get("her_senders", []) if sender)
    if not senders:
        return None
    numbers = {str(number) for number in header.get("her_numbers", [])}
    names = set(senders)
    try:
        identity = selectors.open_identity(timeline.case, keyring=keyring)
    except vault.VaultError:
        identity = {}
    if identity.get("name"):
        names.add(str(identity["name"]))
    for phone in [str(identity.get("contact_phone") or ""), *senders]:
        identifier = sender_identifier(phone) if phone else None
        if identifier is not None:
            numbers.add(identifier.value)
    words = {word for name in names for word in _name_words(name)}
    # Longest first, so that "Noor Ahmed" is replaced whole before "Noor" alone.
    return HerSide(senders=senders, names=tuple(sorted(words, key=len, reverse=True)), numbers=frozenset(numbers))


def pseudonymise_text(text: str, side: HerSide, label: str) -> str:
    """``text`` with each of her phone numbers, then each of her names, replaced by ``label``."""
    pieces, end = [], 0
    for start, stop, identifier in phone_numbers_in_place(text):
        if identifier.value in side.numbers:
            pieces += [text[end:start], label]
            end = stop
    text = "".join([*pieces, text[end:]])
    for name in side.names:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", label, text, flags=re.IGNORECASE)
    return text


def render(*, messages: Iterable[dict[str, Any]], side: HerSide, source: str) -> str:
    """The transcript's text: a short heading, then one line (or more) per message, in order."""
    label = _("the survivor")
    lines = [
        _("Pseudonymised chat transcript (%(source)s)") % {"source": source.capitalize()},
        _(
            "Made by amana from the imported chat export. Her display names and phone numbers are replaced by "
            "“%(label)s”; everything else, the extortionist's names, numbers and accounts included, is as the "
            "export holds it."
        )
        % {"label": label},
        "",
    ]
    for message in messages:
        at = datetime.fromisoformat(str(message["at"])).isoformat(timespec="minutes")
        sender = str(message.get("sender") or "")
        sender = label if sender in side.senders else pseudonymise_text(sender, side, label)
        text = pseudonymise_text(str(message.get("text") or ""), side, label)
        if message.get("notice"):
            text = _("(notice of the app) %(text)s") % {"text": text}
        if message.get("media_omitted"):
            text = " ".join(part for part in [_("(media not included in the export)"), text] if part)
        files = [pseudonymise_text(str(name), side, label) for name in message.get("attachments", [])]
        if files:
            text = " ".join(part for part in [text, "[" + ", ".join(files) + "]"] if part)
        lines.append(f"[{at}] {sender}: {text}" if sender else f"[{at}] {text}")
    return "\n".join(lines) + "\n"


def current_transcript(timeline: ChatTimeline) -> EvidenceItem | None:
    """The latest transcript made since her side was last set, if any."""
    return (
        EvidenceItem.objects.filter(chat=timeline, kind=EvidenceKind.TRANSCRIPT)
        .select_related("file")
        .order_by("-received_at", "-pk")
        .first()
    )


@transaction.atomic
def make_transcript(*, timeline: ChatTimeline, keyring: vault.Keyring, by: User) -> EvidenceItem:
    """Make (or reuse) the chat's pseudonymised transcript and seal it in the case as evidence."""
    from amana.evidence.services import Incoming, open_timeline, seal_all

    existing = current_transcript(timeline)
    if existing is not None:
        return existing
    side = her_side(timeline, keyring=keyring)
    if side is None:
        raise TranscriptRefused(
            _("Say which sender is her on the chat's page first: without that her names cannot be replaced.")
        )
    document = open_timeline(timeline, keyring=keyring)
    text = render(messages=document.get("messages", []), side=side, source=timeline.source)
    name = f"chat-{timeline.pk}-{_('pseudonymised')}.txt"
    (item,) = seal_all(
        case=timeline.case,
        files=[Incoming(name=name, content_type="text/plain", stream=io.BytesIO(text.encode()))],
        by=by,
        channel=IntakeChannel.DERIVED,
        chat=timeline,
    )
    EvidenceItem.objects.filter(pk=item.pk).update(kind=EvidenceKind.TRANSCRIPT)
    item.kind = EvidenceKind.TRANSCRIPT
    record(actor=by, action="evidence.transcript_made", target=timeline.case)
    return item


@transaction.atomic
def set_her_side(*, timeline: ChatTimeline, senders: list[str], keyring: vault.Keyring, by: User) -> None:
    """The caseworker says which senders are her; a transcript made before is not reused."""
    header = _header(timeline, keyring)
    header["her_senders"] = sorted(set(senders))
    header["her_side_set_at"] = timezone.now().isoformat()
    timeline.timeline_sealed = vault.seal(timeline.case.evidence_locker, json.dumps(header, ensure_ascii=False))
    timeline.save(update_fields=["timeline_sealed"])
    # Transcripts made with the old choice stay in the chain of custody, no longer as this chat's transcript.
    EvidenceItem.objects.filter(chat=timeline, kind=EvidenceKind.TRANSCRIPT).update(chat=None)
    record(actor=by, action="evidence.her_side_set", target=timeline.case)
