"""Fixtures of evidence: cases of two organisations and keyrings; the root conftest keeps media in a test folder."""

from __future__ import annotations

from typing import Any

import pytest

from amana.accounts.models import User
from amana.cases.models import Audience, Case, Consent, Scope
from amana.cases.tests.conftest import assigned_case
from amana.channel.tests.conftest import make_case
from amana.evidence.models import EvidenceItem
from amana.vault import services as vault
from conftest import PASSWORD

__all__ = ["assigned_case", "grant", "keyring_of", "make_case"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def keyring_of(user: User) -> vault.Keyring:
    return vault.user_keyring(user, PASSWORD)


def grant(case: Case, *scopes: str) -> None:
    """Her consent to share these scopes with the authorities, and no other."""
    Consent.objects.filter(case=case, audience=Audience.AUTHORITIES).update(given=False)
    Consent.objects.filter(case=case, audience=Audience.AUTHORITIES, scope__in=scopes).update(given=True)


@pytest.fixture
def case(personas: Any) -> Case:
    made, _code = assigned_case(personas, perpetrator_phones=[], perpetrator_accounts=[])
    grant(made, Scope.INCIDENT)
    return made


def opened_sha256(item: EvidenceItem, user: User) -> str:
    """The SHA-256 sealed with an evidence item, opened with someone's keys."""
    return vault.open_text(item.case.evidence_locker, bytes(item.sha256_sealed), keyring=keyring_of(user))
