"""Writes on evidence: files sealed with their SHA-256, the chain of custody, chat imports, identifiers.

Each write is one transaction and records itself in the audit log (never content). Files are
sealed by the vault while their SHA-256 is computed from the same stream, so the hash is of exactly
the bytes that were received.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from amana.accounts.models import Role, User
from amana.audit.services import record
from amana.cases.models import Case, EvidenceFile, Sender, Since
from amana.channel.uploads import sniff
from amana.evidence import matching, selectors
from amana.evidence.chat_import import ChatImport, ChatMessage, import_chat_export
from amana.evidence.identifiers import Identifier, IdentifierKind, parse_identifiers
from amana.evidence.models import (
    ChatTimeline,
    ChatTimelinePage,
    CustodyAction,
    CustodyEvent,
    EvidenceItem,
    EvidenceKind,
    EvidencePackage,
    HashTaken,
    IntakeChannel,
)
from amana.evidence.package import PackageFile, Signing, build_zip, safe_member_name
from amana.evidence.pdf import KeyFacts, Summary, how_to_verify
from amana.evidence.sharing import shared_items
from amana.vault import services as vault

CHUNK = 1024 * 1024


class HashingReader(io.RawIOBase):
    """A stream that computes the SHA-256 and size of everything read through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]  # RawIOBase's buffer
        data = self._raw.read(len(buffer))
        self.digest.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)


def kind_of(content_type: str) -> str:
    """The evidence type shown to staff, from the content type found by reading the file's first bytes."""
    if content_type.startswith("image/"):
        return EvidenceKind.IMAGE
    if content_type == "application/pdf":
        return EvidenceKind.PDF
    if content_type.startswith("audio/"):
        return EvidenceKind.AUDIO
    if content_type.startswith("video/"):
        return EvidenceKind.VIDEO
    if content_type in {"text/plain", "application/zip", "application/json"}:
        return EvidenceKind.CHAT
    return EvidenceKind.OTHER


def _label(user: User | None) -> str:
    return user.get_username() if user is not None else ""


def role_of(user: User | None) -> str:
    """The roles someone acts in, as codes (``caseworker``, ``supervisor,caseworker``…); empty for none."""
    if user is None:
        return ""
    return ",".join(role for role in Role.values if user.has_role(role))


def _seal_json(locker: Any, data: dict[str, Any]) -> bytes:
    return vault.seal(locker, json.dumps(data, ensure_ascii=False))


@dataclass(frozen=True)
class Incoming:
    """One file to seal: its name as received, its checked content type and a stream of its bytes."""

    name: str
    content_type: str
    stream: BinaryIO


@dataclass(frozen=True)
class _Sealed:
    """A file sealed in the media folder, with what its rows will say about it."""

    stored_name: str
    details_sealed: bytes
    size: int
    sha256_sealed: bytes
    kind: str


def _seal_stream(*, sealer: vault.BatchSealer, incoming: Incoming, stored: list[str]) -> _Sealed:
    """Seal one file while its SHA-256 is computed from the same bytes; the hash, name and type sealed beside it."""
    reader = HashingReader(incoming.stream)
    stored_name = sealer.seal_file(io.BufferedReader(reader, CHUNK))
    stored.append(stored_name)
    details = json.dumps({"name": incoming.name, "content_type": incoming.content_type}, ensure_ascii=False)
    return _Sealed(
        stored_name=stored_name,
        details_sealed=sealer.seal(details),
        size=reader.size,
        sha256_sealed=sealer.seal(reader.digest.hexdigest()),
        kind=kind_of(incoming.content_type),
    )


def _record_sealed(
    *, case: Case, sealed: list[_Sealed], by: User | None, channel: str, chat: ChatTimeline | None
) -> list[EvidenceItem]:
    """The rows of sealed files (file, custody record, first custody event): three bulk inserts for any number."""
    now = timezone.now()
    files = EvidenceFile.objects.bulk_create(
        [
            EvidenceFile(
                case=case,
                stored_name=one.stored_name,
                details_sealed=one.details_sealed,
                size=one.size,
                sender=Sender.STAFF,
                added_by=by,
            )
            for one in sealed
        ]
    )
    items = EvidenceItem.objects.bulk_create(
        [
            EvidenceItem(
                file=file,
                case=case,
                sha256_sealed=one.sha256_sealed,
                hash_taken=HashTaken.AT_INTAKE,
                kind=one.kind,
                intake_channel=channel,
                received_by=by,
                received_at=now,
                chat=chat,
            )
            for file, one in zip(files, sealed, strict=True)
        ]
    )
    CustodyEvent.objects.bulk_create(
        [
            CustodyEvent(
                item=item, action=CustodyAction.RECEIVED, by=by, by_label=_label(by), by_role=role_of(by), at=now
            )
            for item in items
        ]
    )
    return items


def seal_all(
    *, case: Case, files: Iterable[Incoming], by: User | None, channel: str, chat: ChatTimeline | None = None
) -> list[EvidenceItem]:
    """Seal each file; on any failure remove the sealed files already written (the rows roll back)."""
    stored: list[str] = []
    try:
        sealer = vault.BatchSealer(case.evidence_locker)
        sealed = [_seal_stream(sealer=sealer, incoming=incoming, stored=stored) for incoming in files]
        sealer.make_durable()
        return _record_sealed(case=case, sealed=sealed, by=by, channel=channel, chat=chat)
    except BaseException:
        for stored_name in stored:
            vault.delete_file(stored_name)
        raise


@transaction.atomic
def add_files(*, case: Case, uploads: Iterable[Any], by: User, may_be_intimate: bool = False) -> list[EvidenceItem]:
    """Staff add files to a case; each upload has been checked (type read from its bytes, size limit).

    ``may_be_intimate`` marks the pictures among them, so that sharing one asks for a confirmation.
    """
    incoming = [Incoming(upload.name or "", upload.content_type or "", upload) for upload in uploads]
    for upload in incoming:
        upload.stream.seek(0)
    items = seal_all(case=case, files=incoming, by=by, channel=IntakeChannel.STAFF_UPLOAD)
    if may_be_intimate:
        mark_intimate(items)
    for _item in items:
        record(actor=by, action="evidence.added", target=case)
    return items


def mark_intimate(items: Iterable[EvidenceItem]) -> int:
    """Mark the pictures among ``items`` as possibly intimate; returns how many."""
    pictures = [item.pk for item in items if item.kind == EvidenceKind.IMAGE]
    return EvidenceItem.objects.filter(pk__in=pictures).update(may_be_intimate=True)


@transaction.atomic
def set_intimate(*, item: EvidenceItem, may_be_intimate: bool, by: User) -> None:
    """Staff mark a picture as possibly intimate, or take the mark away; audited either way."""
    EvidenceItem.objects.filter(pk=item.pk).update(may_be_intimate=may_be_intimate)
    action = "evidence.marked_intimate" if may_be_intimate else "evidence.unmarked_intimate"
    record(actor=by, action=action, target=item.case)


def _hash_sealed(evidence: EvidenceFile, keyring: vault.Keyring) -> str:
    digest = hashlib.sha256()
    for chunk in vault.open_file(evidence.case.evidence_locker, evidence.stored_name, keyring=keyring):
        digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def ensure_items(*, case: Case, keyring: vault.Keyring, by: User) -> int:
    """Give every evidence file of the case that came through another door its custody record.

    Files sent through the reporting site or recorded with a report are sealed by the case; their
    SHA-256 is computed here, once, by streaming the sealed file. The vault's authenticated
    encryption guarantees those bytes are the ones received: a changed byte cannot be opened.
    Returns how many were added; a file that cannot be opened is left for a later try.
    """
    added = 0
    for evidence in EvidenceFile.objects.filter(case=case, item__isnull=True).select_related("case__evidence_locker"):
        try:
            sha256 = _hash_sealed(evidence, keyring)
            details = json.loads(vault.open_text(case.evidence_locker, bytes(evidence.details_sealed), keyring=keyring))
        except vault.VaultError:
            continue
        channel = IntakeChannel.SURVIVOR_SITE if evidence.sender == Sender.SURVIVOR else IntakeChannel.INTAKE
        item = EvidenceItem.objects.create(
            file=evidence,
            case=case,
            sha256_sealed=vault.seal(case.evidence_locker, sha256),
            hash_taken=HashTaken.FROM_SEALED,
            kind=kind_of(str(details.get("content_type", ""))),
            intake_channel=channel,
            received_by=evidence.added_by,
            received_at=evidence.created_at,
        )
        CustodyEvent.objects.create(
            item=item,
            action=CustodyAction.RECEIVED,
            by=evidence.added_by,
            by_label=_label(evidence.added_by),
            by_role=role_of(evidence.added_by),
            at=evidence.created_at,
        )
        added += 1
    if added:
        record(actor=by, action="evidence.hashed", target=case)
    return added


@transaction.atomic
def record_custody(
    *, items: Iterable[EvidenceItem], action: str, by: User, package: Any = None, at: datetime | None = None
) -> None:
    """One custody event per item (a view, a download or an export); the audit log gets one entry."""
    items = list(items)
    at = at or timezone.now()
    role = role_of(by)
    CustodyEvent.objects.bulk_create(
        [
            CustodyEvent(item=item, action=action, by=by, by_label=_label(by), by_role=role, at=at, package=package)
            for item in items
        ]
    )
    if items:
        record(actor=by, action=f"evidence.{action}", target=items[0].case)


def record_download(*, evidence: EvidenceFile, keyring: vault.Keyring, by: User) -> None:
    """A file of the case was downloaded (from any page): it enters the chain of custody.

    A file that has no custody record yet (one she sent through the site) gets it first.
    """
    if not EvidenceItem.objects.filter(file=evidence).exists():
        ensure_items(case=evidence.case, keyring=keyring, by=by)
    item = EvidenceItem.objects.filter(file=evidence).first()
    if item is None:  # its keys are missing: nothing was downloaded either
        return
    record_custody(items=[item], action=CustodyAction.DOWNLOADED, by=by)


# Chat exports ------------------------------------------------------------------------------


class _AttachmentSealer:
    """Receives the media files of an export one by one and seals each; their rows are written together."""

    def __init__(self, case: Case, stored: list[str]) -> None:
        self.sealer = vault.BatchSealer(case.evidence_locker)
        self.stored = stored
        self.sealed: list[_Sealed] = []

    def __call__(self, name: str, stream: BinaryIO) -> None:
        head = stream.read(2048)
        content_type = sniff(name, head) or "application/octet-stream"
        whole = _Prefixed(head, stream)
        incoming = Incoming(name=name.rsplit("/", 1)[-1], content_type=content_type, stream=whole)  # type: ignore[arg-type]  # a binary stream
        self.sealed.append(_seal_stream(sealer=self.sealer, incoming=incoming, stored=self.stored))


class _Prefixed(io.RawIOBase):
    """A stream that gives back bytes already read from its start, then the rest."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]  # RawIOBase's buffer
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


# Messages sealed together as one page of the timeline; the timeline page shows one such page.
TIMELINE_PAGE_SIZE = 200


def _timeline_entry(message: ChatMessage) -> dict[str, Any]:
    """One message as it is sealed and shown: who, when, what was written, which files."""
    return {
        "line": message.line,
        "at": message.sent_at.isoformat(),
        "sender": message.sender,
        "text": message.text,
        "attachments": message.attachments,
        "media_omitted": message.media_omitted,
        "notice": message.is_notice,
    }


def _timeline_header(result: ChatImport) -> dict[str, Any]:
    """What is sealed beside the pages: the problems (in the importer's language) and the proposals."""
    return {
        "source": result.source,
        "chat_name": result.chat_name,
        "encoding": result.encoding,
        "problems": [str(problem) for problem in result.problems],
        # Who wrote in the chat, and which of them the export shows to be her (staff may correct it).
        "senders": result.senders,
        "her_senders": result.her_senders,
        "her_numbers": result.her_numbers,
        "proposals": [
            {
                "kind": proposal.identifier.kind,
                "value": proposal.identifier.value,
                "sender_name": proposal.sender_name,
                "reason": proposal.reason,
            }
            for proposal in result.proposed_identifiers
        ],
    }


def _seal_pages(timeline: ChatTimeline, messages: list[ChatMessage], sealer: vault.BatchSealer) -> None:
    entries = [_timeline_entry(message) for message in messages]
    ChatTimelinePage.objects.bulk_create(
        [
            ChatTimelinePage(
                timeline=timeline,
                number=number,
                sealed=sealer.seal(json.dumps(entries[start : start + TIMELINE_PAGE_SIZE], ensure_ascii=False)),
            )
            for number, start in enumerate(range(0, len(entries), TIMELINE_PAGE_SIZE))
        ]
    )


def _her_own(case: Case, keyring: vault.Keyring | None) -> list[Identifier]:
    """The number she gave as hers, so that it is never proposed as the extortionist's."""
    if keyring is None:
        return []
    try:
        identity = selectors.open_identity(case, keyring=keyring)
    except vault.VaultError:
        return []
    return parse_identifiers(str(identity.get("contact_phone") or "")).identifiers


@transaction.atomic
def import_chat(
    *,
    case: Case,
    upload: Any,
    by: User,
    export_name: str,
    keyring: vault.Keyring | None = None,
    date_order: str = "",
    chat: int | None = None,
    may_be_intimate: bool = False,
) -> ChatTimeline:
    """Import a chat export into a case.

    Steps: read it with ``chat_import`` while its media files are sealed one by one (her own
    number, when her identity can be opened, is never proposed as his); seal the export itself as
    evidence (its SHA-256 is that of the file as received); seal the timeline's header and its pages
    in the evidence locker; write the rows of every sealed file in a few bulk inserts; record the
    import. ``date_order`` and ``chat`` are the caseworker's answers when the export asked;
    ``may_be_intimate`` marks the export's pictures. Raises
    ``ChatImportError`` when nothing could be read; then nothing is kept (the transaction rolls
    back and sealed files are removed).
    """
    stored: list[str] = []
    media = _AttachmentSealer(case, stored)
    try:
        upload.seek(0)
        content_type = "application/zip" if upload.read(2) == b"PK" else "text/plain"
        upload.seek(0)
        result = import_chat_export(
            upload, on_attachment=media, date_order=date_order, chat=chat, own=_her_own(case, keyring)
        )
        upload.seek(0)
        export = _seal_stream(
            sealer=media.sealer,
            incoming=Incoming(name=export_name, content_type=content_type, stream=upload),
            stored=stored,
        )
        media.sealer.make_durable()
        (export_item,) = _record_sealed(case=case, sealed=[export], by=by, channel=IntakeChannel.CHAT_IMPORT, chat=None)
        timeline = ChatTimeline.objects.create(
            case=case,
            source=result.source,
            export=export_item,
            timeline_sealed=media.sealer.seal(json.dumps(_timeline_header(result), ensure_ascii=False)),
            message_count=len(result.messages),
            attachment_count=len(media.sealed),
            problem_count=len(result.problems),
            imported_by=by,
            imported_at=timezone.now(),
            page_count=-(-len(result.messages) // TIMELINE_PAGE_SIZE),
        )
        media_items = _record_sealed(
            case=case, sealed=media.sealed, by=by, channel=IntakeChannel.CHAT_IMPORT, chat=timeline
        )
        if may_be_intimate:
            mark_intimate(media_items)
        EvidenceItem.objects.filter(pk=export_item.pk).update(chat=timeline)
        _seal_pages(timeline, result.messages, media.sealer)
    except BaseException:
        for stored_name in stored:
            vault.delete_file(stored_name)
        raise
    record(actor=by, action="evidence.chat_imported", target=case)
    return timeline


def _account_text(identifier: Identifier) -> str:
    """How a confirmed account is written into the incident, in a form the identifier parser reads back."""
    return f"{identifier.kind}: @{identifier.value}"


def _known(texts: Iterable[str]) -> set[Identifier]:
    return set(parse_identifiers("\n".join(texts)).identifiers)


@transaction.atomic
def confirm_identifiers(
    *, timeline: ChatTimeline, chosen: list[Identifier], keyring: vault.Keyring, by: User
) -> list[Identifier]:
    """Add the identifiers the caseworker confirmed as the extortionist's to the case's incident.

    Steps: open the sealed incident, append the ones it does not name yet (phone numbers and
    accounts in their own lists), seal it again, index the case's identifiers for matching (which
    alerts supervisors when another case shares one), mark the proposals as reviewed.
    Returns the identifiers that were new to the case.
    """
    case = Case.objects.select_for_update().select_related("incident_locker").get(pk=timeline.case_id)
    incident: dict[str, Any] = json.loads(
        vault.open_text(case.incident_locker, bytes(case.incident_sealed), keyring=keyring)
    )
    phones = list(incident.get("perpetrator_phones", []))
    accounts = list(incident.get("perpetrator_accounts", []))
    known = _known([*phones, *accounts])
    added = [identifier for identifier in dict.fromkeys(chosen) if identifier not in known]
    for identifier in added:
        if identifier.kind == IdentifierKind.PHONE:
            phones.append(identifier.value)
        else:
            accounts.append(_account_text(identifier))
    if added:
        incident.update(perpetrator_phones=phones, perpetrator_accounts=accounts)
        case.incident_sealed = _seal_json(case.incident_locker, incident)
        case.save(update_fields=["incident_sealed", "updated_at"])
        record(actor=by, action="evidence.identifiers_confirmed", target=case)
    matching.index_case(case=case, identifiers=_known([*phones, *accounts]))
    timeline.identifiers_reviewed_at = timezone.now()
    timeline.save(update_fields=["identifiers_reviewed_at"])
    return added


def open_timeline_header(timeline: ChatTimeline, *, keyring: vault.Keyring) -> dict[str, Any]:
    """Source, chat name, problems and proposals (and, for a timeline sealed before pages, its messages)."""
    data: dict[str, Any] = json.loads(
        vault.open_text(timeline.case.evidence_locker, bytes(timeline.timeline_sealed), keyring=keyring)
    )
    return data


def open_timeline_page(timeline: ChatTimeline, number: int, *, keyring: vault.Keyring) -> list[dict[str, Any]]:
    """The messages of one page (from 0): only that page is opened."""
    if not timeline.page_count:
        messages: list[dict[str, Any]] = open_timeline_header(timeline, keyring=keyring).get("messages", [])
        return messages[number * TIMELINE_PAGE_SIZE : (number + 1) * TIMELINE_PAGE_SIZE]
    page = ChatTimelinePage.objects.filter(timeline=timeline, number=number).first()
    if page is None:
        return []
    entries: list[dict[str, Any]] = json.loads(
        vault.open_text(timeline.case.evidence_locker, bytes(page.sealed), keyring=keyring)
    )
    return entries


def open_timeline(timeline: ChatTimeline, *, keyring: vault.Keyring) -> dict[str, Any]:
    """The whole timeline: the header with every message under ``messages`` (each page opened in turn)."""
    document = open_timeline_header(timeline, keyring=keyring)
    if timeline.page_count:
        document["messages"] = [
            entry
            for page in ChatTimelinePage.objects.filter(timeline=timeline).order_by("number").iterator()
            for entry in json.loads(vault.open_text(timeline.case.evidence_locker, bytes(page.sealed), keyring=keyring))
        ]
    return document


# Evidence package ---------------------------------------------------------------------------


def _timeline_text(document: dict[str, Any]) -> bytes:
    lines = []
    for message in document.get("messages", []):
        files = ", ".join(message.get("attachments", []))
        attached = f" [{files}]" if files else ""
        lines.append(f"[{message['at']}] {message['sender']}: {message['text']}{attached}")
    return ("\n".join(lines) + "\n").encode()


def _incident_facts(case: Case, incident: dict[str, Any]) -> list[tuple[str, str]]:
    since = dict(Since.choices).get(incident.get("since", ""), "")
    return [
        (gettext("Platform"), str(case.get_platform_display())),
        (gettext("What is demanded"), "، ".join(case.demand_labels)),
        (gettext("Anything published"), str(case.get_published_display())),
        (gettext("When it started"), str(since)),
        (gettext("Phone numbers of the extortionist"), "\n".join(incident.get("perpetrator_phones", [])) or "—"),
        (gettext("Accounts of the extortionist"), "\n".join(incident.get("perpetrator_accounts", [])) or "—"),
    ]


def _identity_facts(identity: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (gettext("Name"), str(identity.get("name", "")) or "—"),
        (gettext("Phone number"), str(identity.get("contact_phone", "")) or "—"),
        (gettext("Safe times"), str(identity.get("safe_times", "")) or "—"),
        (gettext("If someone else answers"), str(identity.get("if_someone_else_answers", "")) or "—"),
    ]


def _custody_entries(
    items: list[EvidenceItem], *, name_staff: bool, by: User, made_at: datetime
) -> dict[int, list[dict[str, str]]]:
    """Each item's chain of custody for the manifest, ending with this export: what, when, in which role.

    A person's name is added only when their organisation chose to name staff in packages.
    """
    entries: dict[int, list[dict[str, str]]] = {item.pk: [] for item in items}
    exported = CustodyEvent(action=CustodyAction.EXPORTED, by=by, by_label=_label(by), by_role=role_of(by), at=made_at)
    events = CustodyEvent.objects.filter(item__in=items).select_related("by").order_by("at", "pk")
    for item_id, event in [*((event.item_id, event) for event in events), *((item.pk, exported) for item in items)]:
        # Nobody on the staff receives what she sends through the reporting site herself.
        role = event.by_role or ("reporting_site" if event.by_id is None else "")
        entry = {"action": event.action, "at": event.at.isoformat(), "role": role}
        if name_staff and event.by_label:
            entry["name"] = (event.by.get_full_name() if event.by is not None else "") or event.by_label
        entries[item_id].append(entry)
    return entries


def _signing(*, case: Case, reference: str, made_at: datetime, keyring: vault.Keyring, by: User) -> Signing:
    """The organisation's signing key opened for this package, with the page that explains how to check it."""
    signer = vault.signer_for(organisation=case.organisation, keyring=keyring, by=by)
    facts = KeyFacts(
        organisation=case.organisation.name,
        reference=reference,
        made_at=selectors.when(timezone.localtime(made_at)),
        key_id=signer.key.key_id_text,
        fingerprint=vault.fingerprint(signer.key),
    )
    return Signing(
        signer=signer,
        organisation=facts.organisation,
        key_id=facts.key_id,
        public_key_file=vault.public_key_file(signer.key),
        fingerprint=facts.fingerprint,
        how_to=how_to_verify(facts),
    )


@transaction.atomic
def make_package(
    *, case: Case, compartments: set[str], keyring: vault.Keyring, by: User, referral: Any = None
) -> tuple[bytes, Any]:
    """Build the signed package of the granted ``compartments`` and record it in each file's chain of custody.

    Steps: open the organisation's signing key; read only the granted compartments; put each
    evidence file (with its chain of custody) and chat timeline in the zip with the PDF summary,
    the page on how to verify it, the public key and the signed manifests (for a referral, only the
    files chosen for it and no chat timeline: a chat goes as its chosen transcript or export); record the package, one
    "exported" custody event per file and one audit entry. Returns the zip's bytes and the record.
    """
    made_at = timezone.now()
    reference = referral.reference if referral is not None else case.reference
    signing = _signing(case=case, reference=reference, made_at=made_at, keyring=keyring, by=by)
    names = dict(vault.Compartment.choices)
    parts = "، ".join(str(names[compartment]) for compartment in sorted(compartments))
    made_by = by.get_full_name() or by.get_username()
    summary = Summary(
        title=(
            gettext("Evidence package for referral %(reference)s") % {"reference": referral.reference}
            if referral is not None
            else gettext("Evidence package for case %(reference)s") % {"reference": case.reference}
        ),
        intro=gettext(
            "Made on %(date)s by %(name)s of %(organisation)s. It holds only what she agreed to share: %(parts)s. "
            "Each file's SHA-256 is listed in manifest.json and SHA256SUMS, both signed with the organisation's "
            "key %(key)s; how-to-verify.pdf explains how to check them."
        )
        % {
            "date": selectors.when(timezone.localtime(made_at)),
            "name": made_by,
            "organisation": case.organisation.name,
            "parts": parts,
            "key": signing.key_id,
        },
    )
    if vault.Compartment.IDENTITY in compartments:
        summary.sections.append(
            (gettext("Identity and safe contact"), _identity_facts(selectors.open_identity(case, keyring=keyring)))
        )
    if vault.Compartment.INCIDENT in compartments:
        incident = selectors.open_incident(case, keyring=keyring)
        summary.sections.append((gettext("What happened"), _incident_facts(case, incident)))
        if incident.get("narrative"):
            summary.paragraphs.append((gettext("In her words"), str(incident["narrative"])))
    files: list[PackageFile] = []
    exported: list[EvidenceItem] = []
    if vault.Compartment.EVIDENCE in compartments:
        ensure_items(case=case, keyring=keyring, by=by)
        # For a referral, only the files chosen for it; her chats only as the transcripts or exports chosen.
        items = shared_items(referral) if referral is not None else list(selectors.items_of(case))
        custody = _custody_entries(items, name_staff=case.organisation.packages_name_staff, by=by, made_at=made_at)
        for number, opened in enumerate(selectors.open_items(items, locker=case.evidence_locker, keyring=keyring), 1):
            chunks = vault.open_file(case.evidence_locker, opened.item.file.stored_name, keyring=keyring)
            files.append(
                PackageFile(
                    path=safe_member_name(number, opened.name),
                    content=b"".join(chunks),
                    received_at=opened.item.received_at,
                    received_through=opened.item.intake_channel,
                    kind=opened.item.kind,
                    original_name=opened.name,
                    custody=custody[opened.item.pk],
                )
            )
            exported.append(opened.item)
        timelines = selectors.timelines_of(case) if referral is None else []
        for number, timeline in enumerate(timelines, 1):
            content = _timeline_text(open_timeline(timeline, keyring=keyring))
            files.append(PackageFile(path=f"chats/{number:03d}.txt", content=content, kind="chat_timeline"))
        summary.table_title = gettext("Files and their SHA-256")
        summary.table_header = [gettext("File"), gettext("Received"), gettext("SHA-256")]
        summary.table_rows = [[file.path, selectors.when(file.received_at), file.sha256] for file in files]
    built = build_zip(
        reference=reference,
        made_at=made_at,
        compartments=compartments,
        summary=summary,
        files=files,
        signing=signing,
    )
    package = EvidencePackage.objects.create(
        case=case,
        referral=referral,
        compartments=sorted(compartments),
        manifest_sha256=built.manifest_sha256,
        signing_key=signing.signer.key,
        file_count=built.file_count,
        made_by=by,
        made_at=made_at,
    )
    record_custody(items=exported, action=CustodyAction.EXPORTED, by=by, package=package, at=made_at)
    record(actor=by, action="evidence.package_made", target=case)
    return built.content, package


def with_times(messages: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Timeline entries with their time as a datetime again, for the page to show in local time."""
    return [{**message, "at": datetime.fromisoformat(message["at"])} for message in messages]
