"""Reads on cases, filtered by who asks, and the opening of their sealed parts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from amana.accounts.models import Role, User
from amana.cases.models import Case, CaseMessage, CaseQuerySet, EvidenceFile
from amana.vault import services as vault

# Who handles the cases of their own organisation.
CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)


CASE_LOCKERS = ("identity_locker", "incident_locker", "evidence_locker", "care_locker", "messages_locker")


def may_handle_cases(user: User) -> bool:
    return bool(user.organisation_id) and user.has_role(*CASE_ROLES)


def cases_for(user: User) -> CaseQuerySet:
    """The cases of the user's own organisation; refused to anyone who does not handle cases."""
    if not may_handle_cases(user):
        raise PermissionDenied
    return Case.objects.filter(organisation=user.organisation_id)


def get_case_for(user: User, reference: str) -> Case:
    """One case of the user's organisation; another organisation's case is not found (404)."""
    case = cases_for(user).select_related(*CASE_LOCKERS).filter(reference=reference).first()
    if case is None:
        raise Http404
    return case


def get_evidence_for(user: User, reference: str, evidence_id: int) -> EvidenceFile:
    case = get_case_for(user, reference)
    evidence = EvidenceFile.objects.filter(case=case, pk=evidence_id).select_related("case").first()
    if evidence is None:
        raise Http404
    return evidence


def _open_json(locker: Any, sealed: bytes, keyring: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(vault.open_text(locker, bytes(sealed), keyring=keyring))
    return data


def open_identity(case: Case, *, keyring: Any) -> dict[str, Any]:
    return _open_json(case.identity_locker, case.identity_sealed, keyring)


def open_incident(case: Case, *, keyring: Any) -> dict[str, Any]:
    return _open_json(case.incident_locker, case.incident_sealed, keyring)


@dataclass(frozen=True)
class OpenMessage:
    sender: str
    author_name: str
    body: str
    created_at: datetime


def open_messages(case: Case, *, keyring: Any) -> list[OpenMessage]:
    """The conversation, oldest first, opened with the keyring of whoever reads it (staff or her)."""
    messages = CaseMessage.objects.filter(case=case).select_related("author")
    return [
        OpenMessage(
            sender=message.sender,
            author_name=message.author.get_full_name() or message.author.username if message.author else "",
            body=vault.open_text(case.messages_locker, bytes(message.body_sealed), keyring=keyring),
            created_at=message.created_at,
        )
        for message in messages
    ]


@dataclass(frozen=True)
class OpenEvidence:
    id: int
    name: str
    content_type: str
    size: int
    sender: str
    created_at: datetime


def _open_details(evidence: EvidenceFile, locker: Any, keyring: Any) -> OpenEvidence:
    details = _open_json(locker, evidence.details_sealed, keyring)
    return OpenEvidence(
        id=evidence.pk,
        name=str(details.get("name", "")),
        content_type=str(details.get("content_type", "")),
        size=evidence.size,
        sender=evidence.sender,
        created_at=evidence.created_at,
    )


def open_evidence_list(case: Case, *, keyring: Any) -> list[OpenEvidence]:
    return [
        _open_details(evidence, case.evidence_locker, keyring) for evidence in EvidenceFile.objects.filter(case=case)
    ]


def open_evidence_file(evidence: EvidenceFile, *, keyring: Any) -> tuple[OpenEvidence, Iterator[bytes]]:
    locker = evidence.case.evidence_locker
    info = _open_details(evidence, locker, keyring)
    return info, vault.open_file(locker, evidence.stored_name, keyring=keyring)
