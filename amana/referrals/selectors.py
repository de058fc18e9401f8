"""Reads on referrals, filtered by who asks, and the opening of what each side may read.

The NGO reads the referrals of its own cases. A receiving organisation reads only the referrals
made to it, and only the compartments still granted, opened with its own keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role, User
from amana.cases import selectors as cases
from amana.cases.models import Case
from amana.core.compiled import CompiledRead
from amana.core.i18n import choice_label
from amana.evidence import sharing
from amana.evidence.models import SharedFile
from amana.referrals.models import PartnerAction, Pathway, Question, Referral, ReferralGrant, Status
from amana.vault import services as vault
from amana.vault.services import Compartment, Keyring

PARTNER_ROLES = (Role.LIAISON, Role.PROVIDER_STAFF)
RELATED = ("case", "organisation", "service", "exchange_locker")


def _with_counts(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return (
        referrals.select_related("organisation")
        .annotate(unanswered=Count("questions", filter=Q(questions__answered_at__isnull=True)))
        .order_by("-created_at", "-pk")
    )


# The NGO ------------------------------------------------------------------------------------


def ngo_referrals_for(user: User) -> QuerySet[Referral]:
    """Referrals of the cases of the user's organisation; refused to anyone who does not handle cases."""
    return _with_counts(Referral.objects.filter(case__in=cases.cases_for(user)).select_related("case"))


# What a case's pages show of each of its referrals (the columns read for them, no more).
SHOWN_WITH_CASE = ("reference", "pathway", "status", "created_at", "plan_action", "organisation__name")


def referrals_of_case(user: User, case: Case) -> QuerySet[Referral]:
    """The referrals of one case, for a member who may act on it (the one rule of cases), newest
    first with their open questions counted. The case is not read again: its page holds it."""
    if not cases.may_act_on(user, case):
        raise PermissionDenied
    return _with_counts(Referral.objects.filter(case=case).only(*SHOWN_WITH_CASE))


@dataclass(frozen=True)
class CaseReferral:
    """One referral as the case page lists it."""

    reference: str
    pathway: str
    organisation_name: str
    status: str
    unanswered: int


_LISTED_WITH_CASE = CompiledRead(
    lambda case_id: _with_counts(Referral.objects.filter(case_id=case_id)).values_list(  # type: ignore[misc]
        "reference", "pathway", "organisation__name", "status", "unanswered"
    )  # (the type checker does not see the count _with_counts adds)
)


def listed_with_case(user: User, case: Case) -> list[CaseReferral]:
    """What the case page lists of each referral of the case, under the rule and in the order of
    referrals_of_case."""
    if not cases.may_act_on(user, case):
        raise PermissionDenied
    return [
        CaseReferral(reference, choice_label(Pathway, pathway), name, choice_label(Status, status), unanswered)
        for reference, pathway, name, status, unanswered in _LISTED_WITH_CASE.rows(case.pk)
    ]


def get_ngo_referral_for(user: User, reference: str) -> Referral:
    """A referral of a case the user may act on (the one rule of cases); any other is not found (404)."""
    referral = (
        Referral.objects.filter(case__in=cases.cases_for(user), reference=reference)
        .select_related(*RELATED, "case__care_locker", "override_by")
        .first()
    )
    if referral is None:
        raise Http404
    cases.note_supervisor_access(user, referral.case)
    return referral


def get_question_for(user: User, reference: str, question_id: int) -> Question:
    referral = get_ngo_referral_for(user, reference)
    question = Question.objects.filter(referral=referral, pk=question_id).select_related("referral").first()
    if question is None:
        raise Http404
    question.referral = referral
    return question


# The receiving organisation ------------------------------------------------------------------


def may_receive_referrals(user: User) -> bool:
    return bool(user.organisation_id) and user.has_role(*PARTNER_ROLES)


def partner_referrals_for(user: User) -> QuerySet[Referral]:
    """The referrals made to the user's organisation, and nothing else."""
    if not may_receive_referrals(user):
        raise PermissionDenied
    return _with_counts(Referral.objects.filter(organisation=user.organisation_id))


def get_partner_referral_for(user: User, reference: str) -> Referral:
    """One referral to the user's organisation; a referral to anyone else is not found (404)."""
    referral = partner_referrals_for(user).select_related(*RELATED).filter(reference=reference).first()
    if referral is None:
        raise Http404
    return referral


def granted_compartments(referral: Referral) -> set[str]:
    return set(
        ReferralGrant.objects.filter(referral=referral, revoked_at__isnull=True).values_list("compartment", flat=True)
    )


def get_partner_evidence_for(referral: Referral, shared_id: int) -> SharedFile:
    """One file the referral shares with the user's organisation; any other is not found (404)."""
    if not referral.is_open or Compartment.EVIDENCE not in granted_compartments(referral):
        raise Http404
    found = sharing.get_shared(referral, shared_id)
    if found is None:
        raise Http404
    return found


# Opening --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenAction:
    kind_label: str
    note: str
    by: str
    created_at: datetime


@dataclass(frozen=True)
class OpenQuestion:
    id: int
    question: str
    asked_by: str
    asked_at: datetime
    answer: str
    answered_at: datetime | None


@dataclass
class OpenReferral:
    """What one side can read of a referral; parts left empty were not granted or not written."""

    purpose: str = ""
    attendees: str = ""
    note: str = ""
    decline_reason: str = ""
    actions: list[OpenAction] = field(default_factory=list)
    questions: list[OpenQuestion] = field(default_factory=list)
    identity: dict[str, Any] | None = None
    incident: dict[str, Any] | None = None
    evidence: list[sharing.OpenShared] | None = None


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _text(locker: Any, sealed: Any, keyring: Keyring) -> str:
    return vault.open_text(locker, bytes(sealed), keyring=keyring) if sealed else ""


def open_exchange(referral: Referral, *, keyring: Keyring) -> OpenReferral:
    """Purpose, schedule notes, decline reason, actions and questions, sealed in the exchange locker."""
    locker = referral.exchange_locker
    opened = OpenReferral(
        purpose=_text(locker, referral.purpose_sealed, keyring),
        attendees=_text(locker, referral.attendees_sealed, keyring),
        note=_text(locker, referral.note_sealed, keyring),
        decline_reason=_text(locker, referral.decline_reason_sealed, keyring),
    )
    for action in PartnerAction.objects.filter(referral=referral).select_related("by"):
        opened.actions.append(
            OpenAction(
                action.get_kind_display(),
                _text(locker, action.note_sealed, keyring),
                _name(action.by),
                action.created_at,
            )
        )
    for question in Question.objects.filter(referral=referral).select_related("asked_by"):
        opened.questions.append(
            OpenQuestion(
                id=question.pk,
                question=_text(locker, question.question_sealed, keyring),
                asked_by=_name(question.asked_by),
                asked_at=question.asked_at,
                answer=_text(locker, question.answer_sealed, keyring),
                answered_at=question.answered_at,
            )
        )
    return opened


def open_for_partner(referral: Referral, *, keyring: Keyring) -> OpenReferral:
    """Everything the receiving organisation may read, opened with its own keys.

    A referral that ended (done, declined, withdrawn, expired, case closed) shows nothing sealed:
    its keys were revoked with it, and nothing is even tried.
    """
    if not referral.is_open:
        return OpenReferral()
    opened = open_exchange(referral, keyring=keyring)
    granted = granted_compartments(referral)
    case = Case.objects.select_related(*cases.CASE_LOCKERS).get(pk=referral.case_id)
    if Compartment.IDENTITY in granted:
        opened.identity = cases.open_identity(case, keyring=keyring)
    if Compartment.INCIDENT in granted:
        opened.incident = cases.open_incident(case, keyring=keyring)
    if Compartment.EVIDENCE in granted:
        opened.evidence = sharing.open_shared(referral, keyring=keyring)
    return opened


# Why the receiving organisation's access ended, as it is told; never what she chose.
ACCESS_ENDED = {
    Status.DONE: _("The work on this referral is done, so your organisation can no longer open any part of the case."),
    Status.DECLINED: _("Your organisation declined this referral, so it can no longer open any part of the case."),
    Status.CASE_CLOSED: _("The NGO closed the case, so your organisation can no longer open any part of it."),
    Status.WITHDRAWN: _("The NGO ended this referral, so your organisation can no longer open any part of the case."),
    Status.EXPIRED: _("The NGO ended this referral, so your organisation can no longer open any part of the case."),
}


def why_access_ended(referral: Referral) -> str:
    """The sentence the partner portal shows once a referral ended; empty while it is open."""
    return "" if referral.is_open else str(ACCESS_ENDED.get(referral.status, ""))  # type: ignore[call-overload]


def partner_actions(referral: Referral) -> QuerySet[PartnerAction]:
    """What the organisation recorded it did: kinds and dates are plain, so they stay readable."""
    return PartnerAction.objects.filter(referral=referral).select_related("by")


def open_override_reason(referral: Referral, *, keyring: Keyring) -> str:
    """The supervisor's reason for an emergency override, sealed for the NGO only."""
    return _text(referral.case.care_locker, referral.override_reason_sealed, keyring)


def prefetch_staff(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.prefetch_related(
        Prefetch("staff", queryset=User.objects.only("username", "first_name", "last_name"))
    )
