"""Reads on cases, filtered by who asks, and the opening of their sealed parts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from amana.accounts.models import Role, User
from amana.audit.services import Line, record_all
from amana.cases.models import (
    ActionStatus,
    Case,
    CaseloadCount,
    CaseMessage,
    CaseQuerySet,
    ClosureDecision,
    ClosureRequest,
    Consent,
    ConsentGivenHow,
    ConsentRecord,
    ContactPlanChange,
    EvidenceFile,
    FollowUp,
    FollowUpStatus,
    MandatoryReporting,
    Notification,
    PlanAction,
    RiskAssessment,
    Safeguarding,
    Status,
)
from amana.core.compiled import CompiledRead
from amana.core.menu import COUNTED_UP_TO
from amana.evidence import identifiers
from amana.referrals.models import Referral
from amana.vault import services as vault

# Who handles the cases of their own organisation.
CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)


CASE_LOCKERS = ("identity_locker", "incident_locker", "evidence_locker", "care_locker", "messages_locker")


def may_handle_cases(user: User) -> bool:
    return bool(user.organisation_id) and user.has_role(*CASE_ROLES)


def cases_for(user: User) -> CaseQuerySet:
    """The cases this user may act on, under the one rule every view that touches a case follows:
    the organisation's supervisors act on all of its cases, a caseworker on those assigned to her.

    Refused (403) to anyone who does not handle cases; everyone else's cases are simply not there.
    """
    if not may_handle_cases(user):
        raise PermissionDenied
    return _cases_of(*_whose_cases(user))


def _whose_cases(user: User) -> tuple[int, ...]:
    """The organisation, and for a caseworker herself, whose cases the user may act on."""
    organisation_id = int(user.organisation_id or 0)
    return (organisation_id,) if user.has_role(Role.SUPERVISOR) else (organisation_id, user.pk)


def _cases_of(organisation_id: int, assigned_to: int | None = None) -> CaseQuerySet:
    cases = Case.objects.filter(organisation=organisation_id)
    return cases if assigned_to is None else cases.filter(assigned_to=assigned_to)


def may_act_on(user: User, case: Case) -> bool:
    """The one rule for acting on a case: its assigned caseworker, or a supervisor of its organisation."""
    if not may_handle_cases(user) or case.organisation_id != user.organisation_id:
        return False
    return user.has_role(Role.SUPERVISOR) or case.assigned_to_id == user.pk


def note_supervisor_access(user: User, case: Case, audit: list[Line] | None = None) -> None:
    """A supervisor acting on a case not assigned to her is audited as such, once per request
    (added to ``audit`` when the page records its entries together)."""
    if case.assigned_to_id == user.pk:
        return
    noted: set[int] = user.__dict__.setdefault("_cases_noted", set())
    if case.pk not in noted:
        noted.add(case.pk)
        line = Line("case.acted_on_unassigned", case)
        if audit is not None:
            audit.append(line)
        else:
            record_all(actor=user, lines=[line])


def _case_by_reference(related: tuple[str, ...]) -> CompiledRead:
    return CompiledRead(
        lambda reference, *whose: _cases_of(*whose).select_related(*related).filter(reference=reference)
    )


# A case read by its reference with what each kind of page shows with it: every case page reads one.
_CASE_WITH_LOCKERS = _case_by_reference((*CASE_LOCKERS, "assigned_to"))
_CASE_ALONE = _case_by_reference(("assigned_to",))


def _find_case(user: User, reference: str, read: CompiledRead, audit: list[Line] | None) -> Case:
    if not may_handle_cases(user):
        raise PermissionDenied
    found = read.objects(reference, *_whose_cases(user))
    if not found:  # a reference is unique: one case or none
        raise Http404
    case: Case = found[0]
    note_supervisor_access(user, case, audit)
    return case


def get_case_for(user: User, reference: str, audit: list[Line] | None = None) -> Case:
    """One case the user may act on; any other (a colleague's, another organisation's) is not found (404),
    so that the answer never confirms that a case exists."""
    return _find_case(user, reference, _CASE_WITH_LOCKERS, audit)


def read_case_for(user: User, reference: str, *, keyring: Any, audit: list[Line]) -> Case:
    """One case to read whole (the case page), under the rule of get_case_for.

    Its caseworker comes with the case (who recorded it, or the peace team that received it, are
    read when the case has them); its five lockers, with the keys the keyring holds for them, come
    in one more query. Joining the lockers to the case instead costs
    PostgreSQL more to plan (seven tables) than both queries take to run.
    """
    case = _find_case(user, reference, _CASE_ALONE, audit)
    lockers = vault.fetch_lockers([getattr(case, f"{name}_id") for name in CASE_LOCKERS], keyring)
    for name in CASE_LOCKERS:
        setattr(case, name, lockers[getattr(case, f"{name}_id")])
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


# The parts of her identity that make her safe-contact plan.
CONTACT_PLAN = ("contact_methods", "contact_phone", "safe_times", "if_someone_else_answers")


# Her latest plan not yet taken in: two columns, not the row, as every case page reads it.
_PLAN_IN_FORCE = CompiledRead(
    lambda case_id: (
        ContactPlanChange.objects.filter(case_id=case_id, taken_in_at__isnull=True)
        .order_by("-created_at", "-pk")
        .values_list("plan_sealed", "created_at")[:1]
    )
)


def open_identity(case: Case, *, keyring: Any) -> dict[str, Any]:
    """Her identity, with the safe-contact plan she last chose herself on the site in force (and
    ``plan_changed_by_her_at`` saying when) until her caseworker takes it in."""
    identity = _open_json(case.identity_locker, case.identity_sealed, keyring)
    found = next(iter(_PLAN_IN_FORCE.rows(case.pk)), None)
    if found is not None:
        sealed, changed_at = found
        plan = _open_json(case.identity_locker, bytes(sealed), keyring)
        identity.update({key: plan[key] for key in CONTACT_PLAN}, plan_changed_by_her_at=changed_at)
    return identity


@dataclass(frozen=True)
class HerPlanChange:
    plan: dict[str, Any]
    created_at: datetime


def contact_plan_changes_by_her(case: Case, *, keyring: Any) -> list[HerPlanChange]:
    """Every safe-contact plan she chose herself on the site, the latest first."""
    return [
        HerPlanChange(plan=_open_json(case.identity_locker, change.plan_sealed, keyring), created_at=change.created_at)
        for change in ContactPlanChange.objects.filter(case=case).order_by("-created_at", "-pk")
    ]


def open_incident(case: Case, *, keyring: Any) -> dict[str, Any]:
    return _open_json(case.incident_locker, case.incident_sealed, keyring)


@dataclass(frozen=True)
class OpenMessage:
    sender: str
    author_name: str
    body: str
    created_at: datetime
    under_duress: bool = False


def person_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """A member's name as User.get_full_name() or the username gives it, from columns read alone."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or ""


_MESSAGES = CompiledRead(
    lambda case_id: CaseMessage.objects.filter(case_id=case_id).values_list(
        "sender",
        "body_sealed",
        "created_at",
        "under_duress",
        "author__first_name",
        "author__last_name",
        "author__username",
    )
)


def open_messages(case: Case, *, keyring: Any) -> list[OpenMessage]:
    """The conversation, oldest first, opened with the keyring of whoever reads it (staff or her).

    Read as columns, not rows of models: each case page shows it."""
    return [
        OpenMessage(
            sender=sender,
            author_name=person_name(*author),
            body=vault.open_text(case.messages_locker, bytes(sealed), keyring=keyring),
            created_at=created_at,
            under_duress=under_duress,
        )
        for sender, sealed, created_at, under_duress, *author in _MESSAGES.rows(case.pk)
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


def open_evidence_file(evidence: EvidenceFile, *, keyring: Any) -> tuple[OpenEvidence, Iterator[bytes]]:
    locker = evidence.case.evidence_locker
    info = _open_details(evidence, locker, keyring)
    return info, vault.open_file(locker, evidence.stored_name, keyring=keyring)


# Lists --------------------------------------------------------------------------------------


class QueueView:
    """The named lists of the queue page."""

    OPEN = "open"
    NEW = "new"
    MINE = "mine"
    OVERDUE = "overdue"
    CLOSING = "closing"
    CLOSED = "closed"
    ALL = (OPEN, NEW, MINE, OVERDUE, CLOSING, CLOSED)


def overdue_follow_ups() -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED, due_at__lt=timezone.now())


def mark_overdue(cases: list[Case]) -> list[Case]:
    """Mark each case of one page that has a follow-up or a plan step past its time (no query: the
    case keeps when its first one falls due)."""
    now = timezone.now()
    for case in cases:
        case.overdue = case.next_due_at is not None and case.next_due_at < now  # type: ignore[attr-defined]
    return cases


def queue_for(user: User, view: str = QueueView.OPEN, *, children: bool = False) -> CaseQuerySet:
    """One of the queue's lists, urgent first; the page's caseworkers come in one more query (a join
    would let PostgreSQL sort every case after a keyset cursor instead of walking the queue index).
    ``children`` keeps only the cases of girls under 18, read by the stored ``is_child`` column (the
    open ones from their own queue index). Mark a page's overdue cases with mark_overdue."""
    cases = cases_for(user).prefetch_related("assigned_to")
    if children:
        cases = cases.filter(is_child=True)
    if view == QueueView.NEW:
        cases = cases.filter(status=Status.NEW, assigned_to__isnull=True)
    elif view == QueueView.MINE:
        cases = cases.open().filter(assigned_to=user)
    elif view == QueueView.OVERDUE:
        # A column, not a subquery: walking the queue index tests each case as it comes; when few
        # are late, the planner reads them from their own index (case_open_due) instead.
        cases = cases.open().filter(next_due_at__lt=timezone.now())
    elif view == QueueView.CLOSING:
        cases = cases.filter(closure_requested=True)
    elif view == QueueView.CLOSED:
        cases = cases.filter(status=Status.CLOSED)
    else:
        cases = cases.open()
    return cases.urgent_first()


REFERENCE_CHARACTERS = frozenset("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def as_reference(text: str) -> str | None:
    """A typed case reference in its stored form (K7Q2-93XD), or None when it cannot be one."""
    compact = "".join(text.split()).replace("-", "").upper()
    if len(compact) != 8 or not set(compact) <= REFERENCE_CHARACTERS:
        return None
    return f"{compact[:4]}-{compact[4:]}"


@dataclass(frozen=True)
class Search:
    """What a search found, or why the text could not be searched for (a whole translated sentence)."""

    cases: CaseQuerySet
    problem: str = ""


def search_cases(user: User, text: str) -> Search:
    """By case reference, else by a perpetrator identifier, normalised and matched through blind indexes.

    Nothing is decrypted: the typed number or account is normalised and its keyed blind index is
    looked up among those stored when each case's incident was sealed.
    """
    cases = cases_for(user).select_related("assigned_to")
    reference = as_reference(text)
    if reference is not None:
        found = cases.filter(reference=reference)
        if found.exists():
            return Search(found.urgent_first())
    try:
        identifier = identifiers.parse_identifier(text)
    except identifiers.IdentifierError as error:
        # A reference that matches nothing is simply not found; anything else is explained.
        return Search(cases.none(), problem="" if reference else str(error.message))
    digest = vault.blind_index(identifier.kind, identifier.value)
    return Search(cases.filter(identifier_index__blind_index=digest).urgent_first())


@dataclass(frozen=True)
class Caseload:
    caseworker: User
    open_cases: int
    urgent: int
    overdue_follow_ups: int


def caseloads_for(user: User) -> list[Caseload]:
    """Each caseworker's open cases, urgent ones and overdue follow-ups (supervisors only).

    Three queries whatever the caseload: the caseworkers; their counts of open and urgent cases and
    of scheduled follow-ups (kept by the case services as each case moves, so nothing is counted
    here); and the follow-ups not yet due, which are the few planned ahead. Those overdue are the
    scheduled ones less those not yet due: counting them directly read every overdue follow-up of
    the organisation on each view.
    """
    if not (may_handle_cases(user) and user.has_role(Role.SUPERVISOR)):
        raise PermissionDenied
    workers = list(caseworkers_of(user))
    counts = {load.caseworker_id: load for load in CaseloadCount.objects.filter(caseworker__in=[w.pk for w in workers])}
    not_yet_due = dict(
        FollowUp.objects.filter(
            status=FollowUpStatus.SCHEDULED,
            due_at__gte=timezone.now(),
            case__organisation=user.organisation_id,
            case__assigned_to__isnull=False,
        )
        .exclude(case__status=Status.CLOSED)
        .values_list("case__assigned_to")
        .annotate(n=Count("pk"))
        .values_list("case__assigned_to", "n")
    )
    empty = CaseloadCount()
    return [
        Caseload(
            caseworker=worker,
            open_cases=counts.get(worker.pk, empty).open_cases,
            urgent=counts.get(worker.pk, empty).urgent,
            overdue_follow_ups=counts.get(worker.pk, empty).scheduled_follow_ups - not_yet_due.get(worker.pk, 0),
        )
        for worker in workers
    ]


def other_supervisors_exist(user: User) -> bool:
    """Whether someone else could decide what this user asked (four eyes on closure)."""
    return (
        User.objects.filter(organisation=user.organisation_id, is_active=True, role_assignments__role=Role.SUPERVISOR)
        .exclude(pk=user.pk)
        .exists()
    )


def _caseworkers_in(organisation_id: int | None) -> QuerySet[User]:
    return User.objects.filter(
        organisation=organisation_id, is_active=True, role_assignments__role=Role.CASEWORKER
    ).order_by("first_name", "username")


def caseworkers_of(user: User) -> QuerySet[User]:
    return _caseworkers_in(user.organisation_id)


_CASEWORKER_NAMES = CompiledRead(
    lambda organisation_id: _caseworkers_in(organisation_id).values_list("pk", "first_name", "last_name", "username")
)


def caseworker_names_of(user: User) -> list[tuple[int, str]]:
    """The caseworkers a case may be assigned to, as (id, name), in the order of caseworkers_of."""
    if user.organisation_id is None:
        return []
    return [(pk, person_name(*name)) for pk, *name in _CASEWORKER_NAMES.rows(user.organisation_id)]


_CONSENTS_GIVEN = CompiledRead(
    lambda case_id: Consent.objects.filter(case_id=case_id, given=True).values_list("audience", "scope")
)


def consents_given(case: Case) -> list[tuple[str, str]]:
    """What she agreed to share, as (audience, scope): nothing sealed, read on every case page."""
    return [(audience, scope) for audience, scope in _CONSENTS_GIVEN.rows(case.pk)]


def overdue_follow_ups_for(user: User, caseworker: User | None = None) -> QuerySet[FollowUp]:
    """Follow-ups past their time: a caseworker sees hers, a supervisor everyone's (or one caseworker's)."""
    follow_ups = overdue_follow_ups().filter(
        case__organisation=user.organisation_id, case__status__in=[Status.NEW, Status.IN_PROGRESS]
    )
    if not may_handle_cases(user):
        raise PermissionDenied
    if not user.has_role(Role.SUPERVISOR):
        follow_ups = follow_ups.filter(case__assigned_to=user)
    elif caseworker is not None:
        follow_ups = follow_ups.filter(case__assigned_to=caseworker)
    return follow_ups.select_related("case", "case__assigned_to").order_by("due_at", "pk")


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("case").order_by("-created_at", "-id")


def get_notification_for(user: User, notification_id: int) -> Notification:
    """One of the member's own notices; anyone else's is not found (404)."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).select_related("case").first()
    if notification is None:
        raise Http404
    return notification


def unread_count(user: User) -> int:
    """Unread notices, counted no further than the menu shows (past COUNTED_UP_TO: "more than")."""
    return Notification.objects.filter(recipient=user).unread().order_by()[: COUNTED_UP_TO + 1].count()


# Peace teams --------------------------------------------------------------------------------


def team_cases_for(user: User) -> CaseQuerySet:
    """The cases the user's peace team received (held or handed over); only CPT members ask."""
    if not (user.organisation_id and user.has_role(Role.CPT_MEMBER)):
        raise PermissionDenied
    return Case.objects.filter(received_by_team=user.organisation_id)


def get_team_case_for(user: User, reference: str) -> Case:
    case = team_cases_for(user).select_related(*CASE_LOCKERS).filter(reference=reference).first()
    if case is None:
        raise Http404
    return case


# The sealed care record ---------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """A row of the care record with its sealed part opened."""

    row: Any
    data: dict[str, Any]


def _open_rows(case: Case, rows: Any, field: str, keyring: Any) -> list[Opened]:
    opened = []
    for row in rows:
        sealed = getattr(row, field)
        opened.append(Opened(row, _open_json(case.care_locker, sealed, keyring) if sealed else {}))
    return opened


def open_consent_records(case: Case, *, keyring: Any) -> list[Opened]:
    """Every change of her sharing choices, the newest first, with the witness and any reason opened."""
    rows = ConsentRecord.objects.filter(case=case).select_related("recorded_by")
    return _open_rows(case, rows, "details_sealed", keyring)


def staff_consent_records(case: Case) -> QuerySet[ConsentRecord]:
    """What staff recorded with her, for her own page: nothing sealed, nobody's name."""
    return ConsentRecord.objects.filter(case=case).exclude(how=ConsentGivenHow.SITE).exclude(assent_only=True)


def open_assessments(case: Case, *, keyring: Any) -> list[Opened]:
    rows = RiskAssessment.objects.filter(case=case).select_related("assessed_by")
    return _open_rows(case, rows, "answers_sealed", keyring)


@dataclass(frozen=True)
class SafeguardingHistory:
    """A child's safeguarding step: its records and the supervisors' reporting decisions, newest first."""

    steps: list[Opened]
    reporting: list[Opened]


def open_safeguarding(case: Case, *, keyring: Any) -> SafeguardingHistory:
    steps = Safeguarding.objects.filter(case=case).select_related("recorded_by")
    reporting = MandatoryReporting.objects.filter(case=case).select_related("decided_by")
    return SafeguardingHistory(
        steps=_open_rows(case, steps, "details_sealed", keyring),
        reporting=_open_rows(case, reporting, "reason_sealed", keyring),
    )


def _open_pairs(case: Case, rows: Any, first: str, second: str, keyring: Any) -> list[tuple[Opened, dict[str, Any]]]:
    """Rows with two sealed parts (what was planned or asked, and what came of it), both opened."""
    rows = list(rows)
    return [
        (opened, outcome.data)
        for opened, outcome in zip(
            _open_rows(case, rows, first, keyring), _open_rows(case, rows, second, keyring), strict=True
        )
    ]


def open_plan(case: Case, *, keyring: Any) -> list[tuple[Opened, dict[str, Any]]]:
    rows = PlanAction.objects.filter(case=case).select_related("created_by")
    return _open_pairs(case, rows, "details_sealed", "outcome_sealed", keyring)


def open_follow_ups(case: Case, *, keyring: Any) -> list[tuple[Opened, dict[str, Any]]]:
    rows = FollowUp.objects.filter(case=case).select_related("scheduled_by", "recorded_by")
    return _open_pairs(case, rows, "details_sealed", "outcome_sealed", keyring)


def open_closure_requests(case: Case, *, keyring: Any) -> list[tuple[Opened, dict[str, Any]]]:
    rows = ClosureRequest.objects.filter(case=case).select_related("requested_by", "decided_by")
    return _open_pairs(case, rows, "feedback_sealed", "decision_note_sealed", keyring)


def pending_closure(case: Case) -> ClosureRequest | None:
    return ClosureRequest.objects.filter(case=case, decision=ClosureDecision.PENDING).first()


def get_plan_action_for(user: User, reference: str, action_id: int) -> PlanAction:
    case = get_case_for(user, reference)
    action = PlanAction.objects.filter(case=case, pk=action_id).select_related("case__care_locker").first()
    if action is None:
        raise Http404
    return action


def get_follow_up_for(user: User, reference: str, follow_up_id: int) -> FollowUp:
    case = get_case_for(user, reference)
    follow_up = FollowUp.objects.filter(case=case, pk=follow_up_id).select_related("case__care_locker").first()
    if follow_up is None:
        raise Http404
    return follow_up


# The closure checklist ----------------------------------------------------------------------


class ClosureItem:
    """The items a case is checked for before it closes; a supervisor may override each with a reason."""

    RISK = "risk"
    PLAN = "plan"
    FEEDBACK = "feedback"
    REFERRALS = "referrals"
    SAFEGUARDING = "safeguarding"
    ALL = (RISK, PLAN, FEEDBACK, REFERRALS, SAFEGUARDING)
    LABELS = {
        RISK: gettext_lazy("Her safety and risk assessed since the last sign of danger"),
        PLAN: gettext_lazy("Her plan reviewed: every step done or dropped"),
        FEEDBACK: gettext_lazy("Her feedback asked when safe, or why not recorded"),
        REFERRALS: gettext_lazy("Every referral finished or withdrawn"),
        SAFEGUARDING: gettext_lazy("The child safeguarding step recorded"),
    }


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: Any
    done: bool
    detail: str
    # The case step that completes it (a URL name), or "" when it is done elsewhere.
    step: str = ""


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _risk_item(case: Case) -> ChecklistItem:
    latest = RiskAssessment.objects.filter(case=case).order_by("-created_at").values_list("created_at", flat=True)
    assessed = latest.first()
    if assessed is None:
        return ChecklistItem(
            ClosureItem.RISK,
            ClosureItem.LABELS[ClosureItem.RISK],
            False,
            _("No safety and risk assessment yet."),
            "cases:assessment",
        )
    if case.danger_flagged_at is not None and assessed < case.danger_flagged_at:
        detail = _("The last assessment (%(assessed)s) came before the last sign of danger (%(flagged)s).") % {
            "assessed": _when(assessed),
            "flagged": _when(case.danger_flagged_at),
        }
        return ChecklistItem(ClosureItem.RISK, ClosureItem.LABELS[ClosureItem.RISK], False, detail, "cases:assessment")
    detail = _("Assessed on %(date)s.") % {"date": _when(assessed)}
    return ChecklistItem(ClosureItem.RISK, ClosureItem.LABELS[ClosureItem.RISK], True, detail, "cases:assessment")


def _plan_item(case: Case) -> ChecklistItem:
    counts = dict(PlanAction.objects.filter(case=case).values_list("status").annotate(n=Count("pk")).order_by())
    planned = counts.get(ActionStatus.PLANNED, 0)
    if not counts:
        done, detail = False, _("Her plan has no steps.")
    elif planned:
        done = False
        detail = ngettext(
            "%(count)s step of her plan is still planned: record whether it was done or dropped.",
            "%(count)s steps of her plan are still planned: record whether each was done or dropped.",
            planned,
        ) % {"count": planned}
    else:
        done, detail = True, _("Every step of her plan was recorded as done or dropped.")
    return ChecklistItem(ClosureItem.PLAN, ClosureItem.LABELS[ClosureItem.PLAN], done, detail, "cases:plan")


def _feedback_item(request: ClosureRequest | None) -> ChecklistItem:
    label = ClosureItem.LABELS[ClosureItem.FEEDBACK]
    if request is None:
        return ChecklistItem(ClosureItem.FEEDBACK, label, False, _("Recorded with the request to close the case."))
    if request.feedback_asked is None:
        return ChecklistItem(
            ClosureItem.FEEDBACK, label, False, _("Neither her feedback nor why she could not be asked was recorded.")
        )
    if request.feedback_asked:
        return ChecklistItem(ClosureItem.FEEDBACK, label, True, _("She was asked for her feedback."))
    return ChecklistItem(ClosureItem.FEEDBACK, label, True, _("She could not be asked safely; the reason is recorded."))


def _referrals_item(case: Case) -> ChecklistItem:
    still_open = Referral.objects.open().filter(case=case).count()
    label = ClosureItem.LABELS[ClosureItem.REFERRALS]
    if not still_open:
        return ChecklistItem(ClosureItem.REFERRALS, label, True, _("No referral is open."), "cases:case")
    detail = ngettext(
        "%(count)s referral is still open. Closing the case ends it, "
        "and its organisation is told that the case is closed.",
        "%(count)s referrals are still open. Closing the case ends them, "
        "and each organisation is told that the case is closed.",
        still_open,
    ) % {"count": still_open}
    return ChecklistItem(ClosureItem.REFERRALS, label, False, detail, "cases:case")


def _safeguarding_item(case: Case) -> ChecklistItem:
    recorded = Safeguarding.objects.filter(case=case).exists()
    decided = MandatoryReporting.objects.filter(case=case).exists()
    done = recorded and decided
    if not recorded:
        detail = _("She is under 18 and the safeguarding step has not been recorded.")
    elif not decided:
        detail = _("A supervisor has not yet decided on mandatory reporting.")
    else:
        detail = _("Recorded, with a supervisor's decision on mandatory reporting.")
    label = ClosureItem.LABELS[ClosureItem.SAFEGUARDING]
    return ChecklistItem(ClosureItem.SAFEGUARDING, label, done, detail, "cases:safeguarding")


def closure_checklist(case: Case, request: ClosureRequest | None) -> list[ChecklistItem]:
    """What must be true before the case closes, read now: risk assessed after the last danger sign,
    her plan reviewed, her feedback (or why not), no referral left open, and for a girl under 18
    the safeguarding step. ``request`` is the pending closure request, if any (it holds the feedback)."""
    items = [_risk_item(case), _plan_item(case), _feedback_item(request), _referrals_item(case)]
    if case.is_child:
        items.append(_safeguarding_item(case))
    return items
