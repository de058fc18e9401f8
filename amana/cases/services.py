"""Writes on cases. Each is one transaction and records itself in the audit log (never content)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from amana.accounts.models import Organisation, User
from amana.audit.services import record
from amana.cases.models import Audience, Case, CaseMessage, Consent, EvidenceFile, Scope, Sender, Status
from amana.evidence import matching
from amana.referrals import services as referrals
from amana.vault import services as vault
from amana.vault.models import SurvivorKey
from amana.vault.services import Compartment

# Crockford's base32 without I, L, O and U: nothing to misread when a reference is said aloud.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Every choice she can make about sharing, in the order forms show them.
CONSENT_CHOICES: list[tuple[str, str]] = [
    (Audience.AUTHORITIES, Scope.INCIDENT),
    (Audience.AUTHORITIES, Scope.IDENTITY),
    (Audience.SERVICES, Scope.INCIDENT),
    (Audience.SERVICES, Scope.IDENTITY),
]


@dataclass(frozen=True)
class Report:
    """The answers of one report, whoever recorded them (the survivor on the site, or staff)."""

    for_whom: str
    danger_now: bool
    self_harm: bool
    platform: str
    demands: list[str]
    published: str
    since: str
    district: str
    age_band: str
    wants: list[str]
    narrative: str = ""
    perpetrator_phones: list[str] = field(default_factory=list)
    perpetrator_accounts: list[str] = field(default_factory=list)
    name: str = ""
    contact_methods: list[str] = field(default_factory=list)
    contact_phone: str = ""
    safe_times: str = ""
    if_someone_else_answers: str = ""
    consents: frozenset[tuple[str, str]] = frozenset()

    def identity(self) -> dict[str, Any]:
        keys = ("name", "contact_methods", "contact_phone", "safe_times", "if_someone_else_answers")
        return {key: getattr(self, key) for key in keys}

    def incident(self) -> dict[str, Any]:
        keys = ("narrative", "since", "platform", "demands", "published", "perpetrator_phones", "perpetrator_accounts")
        data = asdict(self)
        return {key: data[key] for key in keys}


class UploadedEvidence(Protocol):
    """What an uploaded file offers (Django's UploadedFile does)."""

    name: str | None
    size: int | None
    content_type: str | None

    def seek(self, offset: int) -> Any: ...
    def read(self, size: int = -1) -> bytes: ...


def new_reference() -> str:
    """A random reference like K7Q2-93XD: nothing about order, time or count can be read from it."""
    while True:
        raw = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{raw[:4]}-{raw[4:]}"
        if not Case.objects.filter(reference=reference).exists():
            return reference


def _seal_json(locker: Any, data: dict[str, Any]) -> bytes:
    return vault.seal(locker, json.dumps(data, ensure_ascii=False))


@transaction.atomic
def create_case_from_report(
    *,
    report: Report,
    organisation: Organisation,
    channel: str,
    recorded_by: User | None,
    survivor_key: SurvivorKey,
    files: Iterable[UploadedEvidence] = (),
) -> Case:
    """Create the case a report produces, sealed to the receiving organisation.

    Steps: a locker per compartment (the messages locker also held by her survivor key, so she
    can read replies), the sealed identity and incident, the plain statistics, her consent
    choices, any evidence files, one audit entry.
    """
    lockers = {
        compartment: vault.create_locker(compartment=compartment, holders=[organisation])
        for compartment in (Compartment.IDENTITY, Compartment.INCIDENT, Compartment.EVIDENCE, Compartment.CARE)
    }
    lockers[Compartment.MESSAGES] = vault.create_locker(
        compartment=Compartment.MESSAGES, holders=[organisation, survivor_key]
    )
    now = timezone.now()
    case = Case.objects.create(
        reference=new_reference(),
        organisation=organisation,
        channel=channel,
        recorded_by=recorded_by,
        danger_now=report.danger_now,
        self_harm=report.self_harm,
        for_whom=report.for_whom,
        platform=report.platform,
        demands=sorted(set(report.demands)),
        published=report.published,
        district=report.district,
        age_band=report.age_band,
        month_reported=timezone.localdate(now).replace(day=1),
        wants=sorted(set(report.wants)),
        identity_locker=lockers[Compartment.IDENTITY],
        incident_locker=lockers[Compartment.INCIDENT],
        evidence_locker=lockers[Compartment.EVIDENCE],
        care_locker=lockers[Compartment.CARE],
        messages_locker=lockers[Compartment.MESSAGES],
        identity_sealed=_seal_json(lockers[Compartment.IDENTITY], report.identity()),
        incident_sealed=_seal_json(lockers[Compartment.INCIDENT], report.incident()),
    )
    Consent.objects.bulk_create(
        [
            Consent(case=case, audience=audience, scope=scope, given=(audience, scope) in report.consents)
            for audience, scope in CONSENT_CHOICES
        ]
    )
    # Blind indexes for repeat-extortionist matching; supervisors are alerted on a shared identifier.
    matching.index_incident(case=case, incident=report.incident())
    record(actor=recorded_by, action="case.created", target=case)
    _seal_evidence(case=case, files=files, sender=Sender.STAFF if recorded_by else Sender.SURVIVOR, by=recorded_by)
    return case


def _seal_evidence(*, case: Case, files: Iterable[UploadedEvidence], sender: str, by: User | None) -> int:
    """Seal each file into the evidence locker; on any failure remove what was already written."""
    stored: list[str] = []
    try:
        for upload in files:
            upload.seek(0)
            stored_name = vault.seal_file(case.evidence_locker, upload)  # type: ignore[arg-type]  # file-like
            stored.append(stored_name)
            details = {"name": upload.name or "", "content_type": upload.content_type or ""}
            EvidenceFile.objects.create(
                case=case,
                stored_name=stored_name,
                details_sealed=_seal_json(case.evidence_locker, details),
                size=upload.size or 0,
                sender=sender,
                added_by=by,
            )
            record(actor=by, action="case.evidence_added", target=case)
    except BaseException:
        for stored_name in stored:
            vault.delete_file(stored_name)
        raise
    return len(stored)


@transaction.atomic
def add_evidence(*, case: Case, files: Iterable[UploadedEvidence], sender: str, by: User | None = None) -> int:
    """Add files to a case (from her follow-up page or from staff); returns how many were added."""
    return _seal_evidence(case=case, files=files, sender=sender, by=by)


@transaction.atomic
def add_message(*, case: Case, body: str, sender: str, author: User | None = None) -> CaseMessage:
    """Seal a message into the case's messages locker.

    A message from her marks the case as waiting for a reply; a reply from staff clears that and
    moves a new case to "in progress", since someone is now handling it.
    """
    message = CaseMessage.objects.create(
        case=case, sender=sender, author=author, body_sealed=vault.seal(case.messages_locker, body)
    )
    fields = ["awaiting_reply", "updated_at"]
    case.awaiting_reply = sender == Sender.SURVIVOR
    if sender == Sender.STAFF and case.status == Status.NEW:
        case.status = Status.IN_PROGRESS
        fields.append("status")
    case.save(update_fields=fields)
    record(actor=author, action=f"case.message_from_{sender}", target=case)
    return message


@transaction.atomic
def set_status(*, case: Case, status: str, by: User) -> None:
    case.status = status
    case.save(update_fields=["status", "updated_at"])
    record(actor=by, action=f"case.status_{status}", target=case)


@transaction.atomic
def set_consents(*, case: Case, given: Iterable[tuple[str, str]], by: User | None) -> bool:
    """Record her current sharing choices; returns whether anything changed.

    Choices are kept as rows per audience and scope, so a withdrawal keeps when it happened.
    """
    wanted = set(given)
    changed = False
    for consent in Consent.objects.select_for_update().filter(case=case):
        should = (consent.audience, consent.scope) in wanted
        if consent.given != should:
            consent.given = should
            consent.save(update_fields=["given", "changed_at"])
            changed = True
    if changed:
        record(actor=by, action="case.consent_changed", target=case)
        # A withdrawn choice takes the keys of every referral that relied on it away at once.
        referrals.apply_consent_change(case=case, by=by)
    return changed


@transaction.atomic
def mark_duress_suspected(*, case: Case) -> None:
    """Her duress code was used: flag the case quietly for the caseworker."""
    if not case.duress_suspected:
        case.duress_suspected = True
        case.save(update_fields=["duress_suspected", "updated_at"])
    record(actor=None, action="case.duress_code_used", target=case)


def record_case_opened(*, case: Case, by: User) -> None:
    """A staff member opened the sealed parts of a case."""
    record(actor=by, action="case.opened", target=case)


def record_evidence_downloaded(*, evidence: EvidenceFile, by: User) -> None:
    record(actor=by, action="case.evidence_downloaded", target=evidence.case)
