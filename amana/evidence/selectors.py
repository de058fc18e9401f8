"""Reads on evidence, filtered by who asks: only caseworkers and supervisors of the case's organisation."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from amana.accounts.models import Role, User
from amana.cases import selectors as case_selectors
from amana.cases.models import Audience, Case, Consent, Scope
from amana.cases.selectors import get_case_for
from amana.evidence.identifiers import IdentifierKind
from amana.evidence.models import (
    ChatTimeline,
    CustodyEvent,
    EvidenceItem,
    EvidencePackage,
    MatchAlert,
    PerpetratorIndex,
)
from amana.vault import services as vault
from amana.vault.services import Compartment

__all__ = ["get_case_for"]

# What each choice she made lets an evidence package for the authorities hold.
SCOPE_COMPARTMENTS: dict[str, tuple[str, ...]] = {
    Scope.INCIDENT: (Compartment.INCIDENT, Compartment.EVIDENCE),
    Scope.IDENTITY: (Compartment.IDENTITY,),
}
PACKAGE_COMPARTMENTS = (Compartment.INCIDENT, Compartment.EVIDENCE, Compartment.IDENTITY)


def granted_to_authorities(case: Case) -> set[str]:
    """The compartments her current consent lets the NGO share with the authorities."""
    given = Consent.objects.filter(case=case, audience=Audience.AUTHORITIES, given=True).values_list("scope", flat=True)
    return {compartment for scope in given for compartment in SCOPE_COMPARTMENTS.get(scope, ())}


def open_referrals_of(case: Case) -> list[Any]:
    """The case's open referrals, each with ``standing``: the compartments its grants share at this
    moment (her withdrawal may have revoked some since it was made). A package is made from these."""
    from amana.referrals.models import Referral
    from amana.referrals.selectors import granted_compartments

    referrals = list(Referral.objects.filter(case=case).open().select_related("organisation").order_by("created_at"))
    for referral in referrals:
        referral.standing = granted_compartments(referral)  # type: ignore[attr-defined]  # read by PackageForm
    return [referral for referral in referrals if referral.standing]  # type: ignore[attr-defined]  # set above


def items_of(case: Case) -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.filter(case=case).select_related("file", "received_by")


def get_item_for(user: User, reference: str, item_id: int) -> EvidenceItem:
    case = get_case_for(user, reference)
    item = items_of(case).filter(pk=item_id).first()
    if item is None:
        raise Http404
    item.case = case
    return item


def custody_of(item: EvidenceItem) -> QuerySet[CustodyEvent]:
    return CustodyEvent.objects.filter(item=item).select_related("package")


def timelines_of(case: Case) -> QuerySet[ChatTimeline]:
    return ChatTimeline.objects.filter(case=case).select_related("imported_by")


def get_timeline_for(user: User, reference: str, timeline_id: int) -> ChatTimeline:
    case = get_case_for(user, reference)
    timeline = timelines_of(case).filter(pk=timeline_id).first()
    if timeline is None:
        raise Http404
    timeline.case = case
    return timeline


def packages_of(case: Case) -> QuerySet[EvidencePackage]:
    return EvidencePackage.objects.filter(case=case).select_related("made_by")


def alerts_for(user: User) -> QuerySet[MatchAlert]:
    """A supervisor's own alerts; each is about a case of her organisation."""
    if not (user.organisation_id and user.has_role(Role.SUPERVISOR)):
        raise PermissionDenied
    return MatchAlert.objects.filter(recipient=user, organisation_id=user.organisation_id).select_related("case")


@dataclass(frozen=True)
class AlertRow:
    """One alert as a supervisor reads it: her case, what kinds of identifier match, the other case if hers."""

    alert: MatchAlert
    kinds: list[str]
    # The other case's reference when her organisation holds it too, else empty.
    other_reference: str


def _reference_if_held(holder: tuple[int, str] | None, organisation_id: int) -> str:
    return holder[1] if holder is not None and holder[0] == organisation_id else ""


def alert_rows(alerts: Iterable[MatchAlert]) -> list[AlertRow]:
    """The page's alerts with the kinds each pair shares, read from the blind indexes in two queries."""
    alerts = list(alerts)
    case_ids = {alert.case_id for alert in alerts} | {alert.other_case_id for alert in alerts}
    digests: dict[int, dict[str, str]] = defaultdict(dict)
    for case_id, digest, kind in PerpetratorIndex.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "blind_index", "kind"
    ):
        digests[case_id][digest] = kind
    others = Case.objects.filter(pk__in=[alert.other_case_id for alert in alerts])
    holders = {
        pk: (organisation_id, reference)
        for pk, organisation_id, reference in others.values_list("pk", "organisation_id", "reference")
    }
    labels = dict(IdentifierKind.choices)
    rows = []
    for alert in alerts:
        mine, theirs = digests[alert.case_id], digests[alert.other_case_id]
        kinds = sorted({mine[digest] for digest in mine.keys() & theirs.keys()})
        rows.append(
            AlertRow(
                alert=alert,
                kinds=[str(labels.get(kind, kind)) for kind in kinds],
                other_reference=_reference_if_held(holders.get(alert.other_case_id), alert.organisation_id),
            )
        )
    return rows


@dataclass(frozen=True)
class OpenItem:
    item: EvidenceItem
    name: str
    content_type: str
    sha256: str


def open_items(items: list[EvidenceItem], *, locker: Any, keyring: vault.Keyring) -> list[OpenItem]:
    """Each item with its sealed name, type and SHA-256 opened; the locker is the case's evidence locker."""
    opened = []
    for item in items:
        details = json.loads(vault.open_text(locker, bytes(item.file.details_sealed), keyring=keyring))
        sealed_hash = bytes(item.sha256_sealed)
        opened.append(
            OpenItem(
                item=item,
                name=str(details.get("name", "")),
                content_type=str(details.get("content_type", "")),
                sha256=vault.open_text(locker, sealed_hash, keyring=keyring) if sealed_hash else "",
            )
        )
    return opened


def open_incident(case: Case, *, keyring: vault.Keyring) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        vault.open_text(case.incident_locker, bytes(case.incident_sealed), keyring=keyring)
    )
    return data


def open_identity(case: Case, *, keyring: vault.Keyring) -> dict[str, Any]:
    # With the safe-contact plan in force, hers from the site included.
    return case_selectors.open_identity(case, keyring=keyring)


def when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""
