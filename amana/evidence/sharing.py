"""Evidence shared with a referral file by file, each chosen by staff, under keys of its own.

A referral that shares evidence gets an :class:`EvidenceShare`: a locker held by the NGO and the
receiving organisation only, into which each chosen file is sealed again. The partner never holds
the case's evidence locker, so it can open exactly the chosen files and nothing else; when its
access ends the share's locker is shredded and the copies removed.

What may be chosen (``choices_for``) is written as tokens: ``file:<item>`` for a file,
``transcript:<chat>`` for a chat's pseudonymised transcript and ``original:<chat>`` for the chat
export as she gave it, which shows her names and number and is shared only where her identity is.
Pictures staff marked as possibly intimate are shared only with an explicit confirmation.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.evidence import selectors, transcript
from amana.evidence.models import (
    ChatTimeline,
    CustodyAction,
    EvidenceItem,
    EvidenceKind,
    EvidenceShare,
    SharedFile,
)
from amana.vault import services as vault
from amana.vault.services import Compartment

FILE, TRANSCRIPT, ORIGINAL = "file", "transcript", "original"


class SharingRefused(Exception):
    """A choice of files that cannot be shared; the message is translated, for the form."""


@dataclass(frozen=True)
class Choice:
    """One thing staff may tick: a file, a chat's transcript or a chat's original export."""

    token: str
    name: str
    what: str  # FILE, TRANSCRIPT or ORIGINAL
    kind: str
    may_be_intimate: bool = False


def choice_label(choice: Choice) -> str:
    """How a choice reads in the form: its name, what it is, and a warning where one is due."""
    if choice.what == TRANSCRIPT:
        what = _("pseudonymised chat transcript: her names and numbers replaced by “the survivor”")
    elif choice.what == ORIGINAL:
        what = _("original chat export: shows her names and number; only with her identity")
    else:
        what = str(EvidenceKind(choice.kind).label)
    label = f"{choice.name} — {what}"
    if choice.may_be_intimate:
        label += " — " + _("⚠ may be intimate: shared only with your confirmation")
    return label


def _chat_exports(case: Any) -> dict[int, ChatTimeline]:
    """The case's chats by the id of their export's item."""
    return {timeline.export_id: timeline for timeline in ChatTimeline.objects.filter(case=case)}


def choices_for(case: Any, *, keyring: vault.Keyring) -> list[Choice]:
    """Everything of the case that can be shared, in the order it was received; a chat offers its
    pseudonymised transcript first and its original export after it."""
    items = [item for item in selectors.items_of(case) if item.kind != EvidenceKind.TRANSCRIPT]
    chats = _chat_exports(case)
    choices = []
    for opened in selectors.open_items(items, locker=case.evidence_locker, keyring=keyring):
        item = opened.item
        name = opened.name or f"evidence-{item.pk}"
        timeline = chats.get(item.pk)
        if timeline is None:
            choices.append(Choice(f"{FILE}:{item.pk}", name, FILE, item.kind, item.may_be_intimate))
            continue
        choices.append(Choice(f"{TRANSCRIPT}:{timeline.pk}", name, TRANSCRIPT, EvidenceKind.TRANSCRIPT))
        choices.append(Choice(f"{ORIGINAL}:{timeline.pk}", name, ORIGINAL, EvidenceKind.CHAT))
    return choices


def _parse(token: str) -> tuple[str, int]:
    what, _sep, number = token.partition(":")
    if what not in (FILE, TRANSCRIPT, ORIGINAL) or not number.isdigit():
        raise SharingRefused(_("One of the chosen files is not in this case; choose again from the list."))
    return what, int(number)


def resolve(
    *,
    case: Any,
    tokens: Iterable[str],
    identity_shared: bool,
    intimate_confirmed: bool,
    keyring: vault.Keyring,
    by: User,
) -> list[EvidenceItem]:
    """The items the chosen tokens mean, checked against the case and the rules; a transcript is
    made when the chat has none yet. Raises :class:`SharingRefused`."""
    wanted = [_parse(token) for token in dict.fromkeys(tokens)]
    items: list[EvidenceItem] = []
    for what, number in wanted:
        if what == FILE:
            item = EvidenceItem.objects.filter(case=case, pk=number).exclude(kind=EvidenceKind.TRANSCRIPT).first()
            if item is None or ChatTimeline.objects.filter(export=item).exists():
                raise SharingRefused(_("One of the chosen files is not in this case; choose again from the list."))
            items.append(item)
            continue
        timeline = ChatTimeline.objects.filter(case=case, pk=number).select_related("export").first()
        if timeline is None:
            raise SharingRefused(_("One of the chosen files is not in this case; choose again from the list."))
        if what == ORIGINAL:
            if not identity_shared:
                raise SharingRefused(
                    _(
                        "The original chat export shows her names and number: share it only with a referral that "
                        "shares her identity with her consent. Share the pseudonymised transcript instead."
                    )
                )
            items.append(timeline.export)
            continue
        timeline.case = case
        try:
            items.append(transcript.make_transcript(timeline=timeline, keyring=keyring, by=by))
        except transcript.TranscriptRefused as refusal:
            raise SharingRefused(str(refusal)) from refusal
    if any(item.may_be_intimate for item in items) and not intimate_confirmed:
        raise SharingRefused(
            _(
                "Some of the chosen pictures may be intimate. Share them only if this organisation needs them and "
                "she agreed, and tick the confirmation."
            )
        )
    return items


class _Chunks(io.RawIOBase):
    """A readable stream over an iterator of byte chunks (a sealed file being opened)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]  # RawIOBase's buffer
        while not self._left:
            try:
                self._left = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


def share_of(referral: Any) -> EvidenceShare | None:
    return EvidenceShare.objects.filter(referral=referral).select_related("locker").first()


def _copy(share: EvidenceShare, item: EvidenceItem, *, keyring: vault.Keyring, by: User) -> SharedFile:
    case_locker = item.case.evidence_locker
    opened = selectors.open_items([item], locker=case_locker, keyring=keyring)[0]
    chunks = vault.open_file(case_locker, item.file.stored_name, keyring=keyring)
    stored_name = vault.seal_file(share.locker, io.BufferedReader(_Chunks(chunks)))
    details = {"name": opened.name, "content_type": opened.content_type, "kind": item.kind}
    return SharedFile.objects.create(
        share=share,
        item=item,
        stored_name=stored_name,
        details_sealed=vault.seal(share.locker, json.dumps(details, ensure_ascii=False)),
        size=item.file.size,
        shared_by=by,
        shared_at=timezone.now(),
    )


def _remove_copies(stored_names: list[str]) -> None:
    transaction.on_commit(lambda: [vault.delete_file(name) for name in stored_names])  # type: ignore[func-returns-value]


@transaction.atomic
def share(*, referral: Any, items: list[EvidenceItem], keyring: vault.Keyring, by: User) -> tuple[int, int]:
    """Make the referral share exactly ``items``: copy the new ones into its locker, remove the others.

    Returns how many were added and removed.
    """
    current = share_of(referral)
    if current is None:
        locker = vault.create_locker(
            compartment=Compartment.EVIDENCE, holders=[referral.case.organisation, referral.organisation]
        )
        current = EvidenceShare.objects.create(referral=referral, locker=locker)
    kept = {file.item_id: file for file in current.files.all()}
    wanted = {item.pk: item for item in items}
    gone = [file for item_id, file in kept.items() if item_id not in wanted]
    _remove_copies([file.stored_name for file in gone])
    SharedFile.objects.filter(pk__in=[file.pk for file in gone]).delete()
    added = 0
    for item_id, item in wanted.items():
        if item_id not in kept:
            item.case = referral.case
            _copy(current, item, keyring=keyring, by=by)
            added += 1
    return added, len(gone)


@transaction.atomic
def end(*, referral: Any, by: User | None, reason: str) -> bool:
    """The partner's access to the shared files ends: the share's locker is shredded, the copies removed."""
    current = share_of(referral)
    if current is None:
        return False
    if current.ended_at is None:
        vault.shred(locker=current.locker, by=by, reason=reason)
        _remove_copies(list(current.files.values_list("stored_name", flat=True)))
        current.ended_at = timezone.now()
        current.save(update_fields=["ended_at"])
    return True


def shared_items(referral: Any) -> list[EvidenceItem]:
    """The case's items a referral shares, in the order they were received."""
    return list(
        selectors.items_of(referral.case).filter(shares__share__referral=referral, shares__share__ended_at__isnull=True)
    )


@dataclass(frozen=True)
class OpenShared:
    id: int
    name: str
    content_type: str
    kind: str
    may_be_intimate: bool
    size: int
    shared_at: datetime


def _opened(file: SharedFile, locker: Any, keyring: vault.Keyring) -> OpenShared:
    details = json.loads(vault.open_text(locker, bytes(file.details_sealed), keyring=keyring))
    return OpenShared(
        id=file.pk,
        name=str(details.get("name", "")),
        content_type=str(details.get("content_type", "")),
        kind=file.item.kind,
        may_be_intimate=file.item.may_be_intimate,
        size=file.size,
        shared_at=file.shared_at,
    )


def open_shared(referral: Any, *, keyring: vault.Keyring) -> list[OpenShared]:
    """What a referral shares, opened with the share's locker (the partner's own key to it)."""
    current = share_of(referral)
    if current is None or current.ended_at is not None:
        return []
    return [_opened(file, current.locker, keyring) for file in current.files.select_related("item")]


def get_shared(referral: Any, shared_id: int) -> SharedFile | None:
    return (
        SharedFile.objects.filter(pk=shared_id, share__referral=referral, share__ended_at__isnull=True)
        .select_related("share__locker", "item__case")
        .first()
    )


def open_shared_file(file: SharedFile, *, keyring: vault.Keyring) -> tuple[OpenShared, Iterator[bytes]]:
    locker = file.share.locker
    return _opened(file, locker, keyring), vault.open_file(locker, file.stored_name, keyring=keyring)


def record_partner_download(*, file: SharedFile, by: User) -> None:
    """The partner's download enters the file's chain of custody."""
    from amana.evidence.services import record_custody

    record_custody(items=[file.item], action=CustodyAction.DOWNLOADED, by=by)
