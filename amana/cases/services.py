"""Writes on cases. Each is one transaction and records itself in the audit log (never content)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation, OrganisationKind, Role, User
from amana.audit.services import Line, record, record_all
from amana.cases import selectors
from amana.cases.models import (
    ASSENT_ONLY_AGE_BANDS,
    ActionStatus,
    AdultConsent,
    AgeBand,
    Answer,
    Audience,
    Case,
    CaseloadCount,
    CaseMessage,
    Channel,
    ChildAge,
    ChildAgreement,
    ClosureDecision,
    ClosureRequest,
    Consent,
    ConsentGivenHow,
    ConsentRecord,
    ContactPlanChange,
    EvidenceFile,
    FollowUp,
    FollowUpStatus,
    Handover,
    MandatoryReporting,
    Notification,
    NotificationKind,
    PlanAction,
    ReportingDecision,
    RiskAssessment,
    RiskLevel,
    Safeguarding,
    Scope,
    Sender,
    Status,
)
from amana.cases.notifications import notify, notify_supervisors, supervisors_of
from amana.cases.selectors import CONTACT_PLAN
from amana.core.references import random_reference
from amana.evidence import matching
from amana.referrals import services as referrals
from amana.vault import services as vault
from amana.vault.models import SurvivorKey
from amana.vault.services import Compartment

# Every choice she can make about sharing, in the order forms show them.
CONSENT_CHOICES: list[tuple[str, str]] = [
    (Audience.AUTHORITIES, Scope.INCIDENT),
    (Audience.AUTHORITIES, Scope.IDENTITY),
    (Audience.SERVICES, Scope.INCIDENT),
    (Audience.SERVICES, Scope.IDENTITY),
    (Audience.STATISTICS, Scope.INCIDENT),
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
    return random_reference(taken=lambda reference: Case.objects.filter(reference=reference).exists())


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
        danger_flagged_at=now if report.danger_now or report.self_harm else None,
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
    _record_first_choices(case, set(report.consents), channel=channel, by=recorded_by)
    # Blind indexes for repeat-extortionist matching; supervisors are alerted on a shared identifier.
    matching.index_incident(case=case, incident=report.incident())
    record(actor=recorded_by, action="case.created", target=case)
    if organisation.kind == OrganisationKind.CPT:
        # Held by the peace team until it hands the case over, with her consent, to an NGO.
        case.received_by_team = organisation
        case.save(update_fields=["received_by_team"])
    elif case.is_urgent:
        notify_supervisors(case=case, kind=NotificationKind.URGENT_REPORT)
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
def add_message(
    *, case: Case, body: str, sender: str, author: User | None = None, under_duress: bool = False
) -> CaseMessage:
    """Seal a message into the case's messages locker.

    A message from her marks the case as waiting for a reply; a reply from staff clears that and
    moves a new case to "in progress", since someone is now handling it. A message sent under her
    second code reaches the caseworker marked so.
    """
    message = CaseMessage.objects.create(
        case=case,
        sender=sender,
        author=author,
        body_sealed=vault.seal(case.messages_locker, body),
        under_duress=under_duress,
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
    keep_caseload_of(case)
    record(actor=by, action=f"case.status_{status}", target=case)


def consent_key(audience: str, scope: str) -> str:
    """One choice as forms and consent records name it, such as "authorities.identity"."""
    return f"{audience}.{scope}"


def _apply_choices(case: Case, wanted: set[tuple[str, str]], by: User | None) -> bool:
    """Set the choices in force; a withdrawn one takes the keys of every referral that relied on it
    away at once. Returns whether anything changed."""
    changed = False
    for consent in Consent.objects.select_for_update().filter(case=case):
        should = (consent.audience, consent.scope) in wanted
        if consent.given != should:
            consent.given = should
            consent.save(update_fields=["given", "changed_at"])
            changed = True
    if changed:
        referrals.apply_consent_change(case=case, by=by)
    return changed


def _keys(given: Iterable[tuple[str, str]]) -> list[str]:
    wanted = set(given)
    return [consent_key(audience, scope) for audience, scope in CONSENT_CHOICES if (audience, scope) in wanted]


@transaction.atomic
def set_consents(*, case: Case, given: Iterable[tuple[str, str]], by: User | None) -> bool:
    """Record her current sharing choices, made on the site with her code; returns whether anything changed.

    Choices are kept as rows per audience and scope, so a withdrawal keeps when it happened, and each
    change leaves a consent record.
    """
    wanted = set(given)
    Case.objects.select_for_update().filter(pk=case.pk).first()
    asked_before = her_wishes(case)
    in_force = _in_force_by_her_own(case, wanted)
    changed = _apply_choices(case, in_force, by)
    if _keys(wanted) != asked_before:
        ConsentRecord.objects.create(
            case=case,
            given=_keys(wanted),
            how=ConsentGivenHow.SITE,
            given_at=timezone.now(),
            assent_only=in_force != wanted,
            details_sealed=_seal_json(case.care_locker, {}),
        )
        record(actor=by, action="case.consent_changed", target=case)
    return changed


# What sharing with an organisation means; being counted in anonymous figures shares nothing about
# her, so her own choice decides it at any age.
SHARING_AUDIENCES = frozenset({Audience.AUTHORITIES, Audience.SERVICES})
# How staff heard the choices she gave at intake, by the channel the report came in.
HOW_AT_INTAKE = {Channel.WEB: ConsentGivenHow.SITE, Channel.HOTLINE: ConsentGivenHow.PHONE}


def her_choice_is_assent(case: Case) -> bool:
    """Under 15, her own choice is her assent only: sharing it with an organisation also needs an
    adult's consent, recorded by staff with her ("Children" in the design)."""
    return case.age_band in ASSENT_ONLY_AGE_BANDS


def _in_force_by_her_own(case: Case, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """What her own choice (on the site or at intake) puts in force: all of it from 15. Under 15, a
    withdrawal and the anonymous figures at once, but a new sharing only once an adult has agreed."""
    if not her_choice_is_assent(case):
        return set(wanted)
    current = set(Consent.objects.filter(case=case, given=True).values_list("audience", "scope"))
    return {choice for choice in wanted if choice[0] not in SHARING_AUDIENCES or choice in current}


def her_wishes(case: Case) -> list[str]:
    """What she last asked for herself, as keys: the choices in force, or, while her assent as a girl
    under 15 waits for an adult's consent, what she assented to."""
    latest = ConsentRecord.objects.filter(case=case).order_by("-pk").first()
    if latest is not None and latest.assent_only:
        return list(latest.given)
    return _keys((c.audience, c.scope) for c in Consent.objects.filter(case=case, given=True))


def awaiting_adult(case: Case) -> list[str]:
    """The sharing she assented to as a girl under 15 that waits for an adult's consent, as keys."""
    in_force = set(_keys((c.audience, c.scope) for c in Consent.objects.filter(case=case, given=True)))
    return [key for key in her_wishes(case) if key not in in_force]


def _record_first_choices(case: Case, wanted: set[tuple[str, str]], *, channel: str, by: User | None) -> None:
    """The choices she made in her report: in force as far as her age allows; under 15, what she
    assented to beyond that is kept as her assent, for staff to record with an adult."""
    in_force = _in_force_by_her_own(case, wanted)
    Consent.objects.bulk_create(
        [
            Consent(case=case, audience=audience, scope=scope, given=(audience, scope) in in_force)
            for audience, scope in CONSENT_CHOICES
        ]
    )
    if in_force != wanted:
        ConsentRecord.objects.create(
            case=case,
            given=_keys(wanted),
            how=HOW_AT_INTAKE.get(channel, ConsentGivenHow.IN_PERSON),  # type: ignore[call-overload]  # a channel value
            given_at=case.created_at,
            recorded_by=by,
            recorded_as=_role_of(by),
            assent_only=True,
            details_sealed=_seal_json(case.care_locker, {}),
        )


def _role_of(by: User | None) -> str:
    """The role a consent record names for its recorder: supervisor or caseworker; none for her own
    choice, or for anyone else (a peace-team member recording her report)."""
    if by is None:
        return ""
    for role in (Role.SUPERVISOR, Role.CASEWORKER):
        if by.has_role(role):
            return role
    return ""


ADULTS_WHO_CONSENT = (AdultConsent.CAREGIVER, AdultConsent.TRUSTED_ADULT)


def take_back_unconfirmed_child_sharing() -> int:
    """Sharing in force for girls under 15 that no adult agreed to (set by their own choice before
    her choice counted as assent only) is taken back: kept as her assent, and every referral that
    relied on it loses its keys. Returns how many cases changed; safe to run again."""
    cases = (
        Case.objects.filter(
            age_band__in=sorted(ASSENT_ONLY_AGE_BANDS),
            consents__audience__in=sorted(SHARING_AUDIENCES),
            consents__given=True,
        )
        .exclude(consent_records__adult_consent__in=ADULTS_WHO_CONSENT)
        .distinct()
    )
    changed = 0
    for case in cases.select_related("care_locker"):
        _take_back_unconfirmed(case)
        changed += 1
    return changed


@transaction.atomic
def _take_back_unconfirmed(case: Case) -> None:
    Case.objects.select_for_update().filter(pk=case.pk).first()
    wanted = {(c.audience, c.scope) for c in Consent.objects.filter(case=case, given=True)}
    in_force = {choice for choice in wanted if choice[0] not in SHARING_AUDIENCES}
    _apply_choices(case, in_force, None)
    ConsentRecord.objects.create(
        case=case,
        given=_keys(wanted),
        how=ConsentGivenHow.SITE,
        given_at=timezone.now(),
        assent_only=True,
        details_sealed=_seal_json(case.care_locker, {}),
    )
    record(actor=None, action="case.child_sharing_taken_back", target=case)


@dataclass(frozen=True)
class ChildConsent:
    """Who agreed for a girl under 18, as "Caring for Child Survivors" asks (see DESIGN, Children)."""

    age: str
    agreement: str
    adult: str
    caregiver_left_out_because: str = ""


@dataclass(frozen=True)
class GivenConsent:
    """What she agreed to with a member of staff, and how."""

    given: frozenset[tuple[str, str]]
    how: str
    given_at: datetime
    witness: str = ""
    child: ChildConsent | None = None


# The age groups a case's age band allows.
CHILD_AGES_OF_BAND = {
    AgeBand.UNDER_15: (ChildAge.UNDER_12, ChildAge.FROM_12_TO_14),
    AgeBand.FROM_15_TO_17: (ChildAge.FROM_15_TO_17,),
}


def _child_refusal(case: Case, child: ChildConsent | None) -> Any:
    """Why this child's consent is not enough, as a sentence for the form; None when it is.

    Under 12: her caregiver consents (and she assents where she can). 12 to 14: she assents, and her
    caregiver consents, or another trusted adult where involving the caregiver is not safe. 15 to
    17: her own informed consent; where she is not mature enough, her assent and an adult's consent
    as at 12 to 14. Whenever her caregiver is left out, the reason is recorded.
    """
    if child is None or child.age not in CHILD_AGES_OF_BAND.get(case.age_band, ()):  # type: ignore[call-overload]  # a band value
        return _("Say how old she is: the case's age band decides which age groups fit.")
    if child.age == ChildAge.UNDER_12 and child.adult != AdultConsent.CAREGIVER:
        return _("Under 12, her caregiver's informed consent is needed, with her assent where she can give it.")
    if child.age != ChildAge.UNDER_12 and child.agreement == ChildAgreement.NOT_ABLE:
        return _("From 12, her own informed assent or consent is needed: record it with her.")
    on_her_own = child.age == ChildAge.FROM_15_TO_17 and child.agreement == ChildAgreement.CONSENT
    if not on_her_own and child.adult == AdultConsent.NONE:
        return _(
            "Her assent is not enough alone: her caregiver's consent is needed, or another trusted adult's "
            "where involving the caregiver is not safe."
        )
    if child.adult != AdultConsent.CAREGIVER and not child.caregiver_left_out_because.strip():
        return _("Say why involving her caregiver is not safe: it is recorded with her consent.")
    return None


@transaction.atomic
def record_consent(*, case: Case, consent: GivenConsent, based_on: int, by: User) -> ConsentRecord:
    """Record the choices she gave a caseworker or supervisor in person, by phone or on a signed form.

    Steps: refuse on a closed case; lock the case and refuse when her choices were recorded again
    since the form was opened (``based_on`` is the latest record it showed); refuse a time in the
    future; for a child, refuse unless the right people agreed for her age; set the choices in force
    exactly as her own change on the site would (a withdrawal revokes referral keys at once); keep
    the record, the witness and any reason sealed in the care locker; audit it (never its content).
    """
    _refuse_if_closed(case)
    Case.objects.select_for_update().filter(pk=case.pk).first()
    if latest_consent_record_id(case) != based_on:
        raise StepRefused(
            _("Her choices were recorded again while this form was open. Read them below and record hers again.")
        )
    if consent.given_at > timezone.now() + timedelta(minutes=5):
        raise StepRefused(_("The time she gave her consent cannot be in the future."))
    child = consent.child if case.is_child else None
    if case.is_child and consent.given:
        refusal = _child_refusal(case, child)
        if refusal:
            raise StepRefused(refusal)
    _apply_choices(case, set(consent.given), by)
    details = {"witness": consent.witness.strip()}
    if child is not None:
        details["caregiver_left_out_because"] = child.caregiver_left_out_because.strip()
    made = ConsentRecord.objects.create(
        case=case,
        given=_keys(consent.given),
        how=consent.how,
        given_at=consent.given_at,
        recorded_by=by,
        recorded_as=_role_of(by),
        has_witness=bool(consent.witness.strip()),
        child_age=child.age if child else "",
        child_agreement=child.agreement if child else "",
        adult_consent=child.adult if child else "",
        details_sealed=_seal_json(case.care_locker, details),
    )
    record(actor=by, action="case.consent_recorded", target=case)
    return made


def latest_consent_record_id(case: Case) -> int:
    """The newest consent record of the case (0 for none): a form that showed another is stale."""
    return ConsentRecord.objects.filter(case=case).order_by("-pk").values_list("pk", flat=True).first() or 0


@transaction.atomic
def mark_duress_suspected(*, case: Case) -> None:
    """Her duress code was used: flag the case quietly for the caseworker.

    Each use is a new sign of danger: closing the case needs a risk assessment made after it.
    """
    case.danger_flagged_at = timezone.now()
    fields = ["danger_flagged_at", "updated_at"]
    if not case.duress_suspected:
        case.duress_suspected = True
        fields.append("duress_suspected")
        notify_supervisors(case=case, kind=NotificationKind.DURESS)
    case.save(update_fields=fields)
    keep_caseload_of(case)
    record(actor=None, action="case.duress_code_used", target=case)


def case_opened(case: Case) -> Line:
    """The audit entry of a staff member opening the sealed parts of a case."""
    return Line("case.opened", case)


def record_case_opened(*, case: Case, by: User) -> None:
    record_all(actor=by, lines=[case_opened(case)])


class StepRefused(Exception):
    """A case step that cannot be taken now; ``message`` is a whole translated sentence."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def _refuse_if_closed(case: Case) -> None:
    if case.status == Status.CLOSED:
        raise StepRefused(_("This case is closed. A supervisor can reopen it."))


def _start_handling(case: Case, fields: list[str]) -> None:
    # Someone is now working on it: a new case moves to "in progress".
    if case.status == Status.NEW:
        case.status = Status.IN_PROGRESS
        fields.append("status")


# What happened -----------------------------------------------------------------------------


@transaction.atomic
def update_incident(*, case: Case, changes: dict[str, Any], keyring: vault.Keyring, by: User) -> None:
    """Re-seal what happened with the caseworker's corrections and rebuild the blind indexes.

    Steps: open the current incident, apply the changed keys, seal it to the incident locker's
    current key, keep the technology-facilitated context (a plain figure for GBVIMS, naming no one)
    in its column, make the case's blind indexes those of the new identifiers, record the change.
    """
    changes = dict(changes)
    fields = ["incident_sealed", "updated_at"]
    if "technology_facilitated" in changes:
        case.technology_facilitated = changes.pop("technology_facilitated")
        fields.append("technology_facilitated")
    sealed = vault.open_text(case.incident_locker, bytes(case.incident_sealed), keyring=keyring)
    incident: dict[str, Any] = {**json.loads(sealed), **changes}
    case.incident_sealed = _seal_json(case.incident_locker, incident)
    case.save(update_fields=fields)
    matching.index_incident(case=case, incident=incident)
    record(actor=by, action="case.incident_edited", target=case)


@transaction.atomic
def correct_contact_plan(
    *, case: Case, plan: dict[str, Any], how: str, reason: str, keyring: vault.Keyring, by: User
) -> None:
    """Change her safe-contact plan as she asked, with a reason; the plan before stays in her file.

    Steps: refuse on a closed case or without a reason; open her identity; refuse when nothing
    changes; keep the previous plan with when, by whom, how she asked and why in the identity's
    history; seal the identity again; record the change (never its content).
    """
    _refuse_if_closed(case)
    if not reason.strip():
        raise StepRefused(_("Give the reason: every correction keeps why it was made."))
    # The plan in force, hers from the site included: it is the one this change replaces.
    identity = selectors.open_identity(case, keyring=keyring)
    identity.pop("plan_changed_by_her_at", None)
    previous = {key: identity.get(key, [] if key == "contact_methods" else "") for key in CONTACT_PLAN}
    changed = {key: plan[key] for key in CONTACT_PLAN}
    if {**previous, "contact_methods": sorted(previous["contact_methods"])} == {
        **changed,
        "contact_methods": sorted(changed["contact_methods"]),
    }:
        raise StepRefused(_("Nothing was changed."))
    history = [*identity.get("contact_plan_history", [])]
    history.append(
        {"at": timezone.now().isoformat(), "by": by.get_username(), "how": how, "reason": reason, "previous": previous}
    )
    identity.update(changed, contact_plan_history=history)
    case.identity_sealed = _seal_json(case.identity_locker, identity)
    case.save(update_fields=["identity_sealed", "updated_at"])
    ContactPlanChange.objects.filter(case=case, taken_in_at__isnull=True).update(taken_in_at=timezone.now())
    record(actor=by, action="case.contact_plan_corrected", target=case)


@transaction.atomic
def change_contact_plan_by_her(*, case: Case, plan: dict[str, Any]) -> None:
    """Her new safe-contact plan, chosen on her follow-up page with her code.

    She holds no key to her identity, so nothing of it is read: the plan is sealed on its own to
    the identity locker and is her plan in force from now on (see selectors.open_identity). The
    change is recorded in the audit log, never its content.
    """
    ContactPlanChange.objects.create(
        case=case, plan_sealed=_seal_json(case.identity_locker, {key: plan[key] for key in CONTACT_PLAN})
    )
    record(actor=None, action="case.contact_plan_changed_by_her", target=case)


# Notifications: written in cases.notifications, which referrals use too --------------------


@transaction.atomic
def remind_overdue_follow_ups() -> int:
    """Tell the caseworker of each open case (its supervisors when nobody is assigned), once, that a
    follow-up is past its time; return how many follow-ups were reminded. Run by the schedule."""
    due = list(
        FollowUp.objects.filter(
            status=FollowUpStatus.SCHEDULED,
            due_at__lt=timezone.now(),
            reminded_at__isnull=True,
            case__status__in=[Status.NEW, Status.IN_PROGRESS],
        )
        .select_related("case", "case__assigned_to")
        .select_for_update(of=("self",))
    )
    supervisors: dict[int, list[User]] = {}
    for follow_up in due:
        case = follow_up.case
        if case.assigned_to is not None and case.assigned_to.is_active:
            recipients = [case.assigned_to]
        else:
            recipients = supervisors.setdefault(case.organisation_id, supervisors_of(case.organisation_id))
        notify(recipients=recipients, case=case, kind=NotificationKind.FOLLOW_UP_OVERDUE)
    FollowUp.objects.filter(pk__in=[follow_up.pk for follow_up in due]).update(reminded_at=timezone.now())
    return len(due)


@transaction.atomic
def mark_notifications_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())


@transaction.atomic
def mark_notification_read(*, notification: Notification) -> None:
    """Opening a notice reads it; opening it again keeps the first time it was read."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


# Assignment ---------------------------------------------------------------------------------


def keep_caseload_of(case: Case, *earlier: int | None) -> None:
    """Recount the load of the caseworker a case is assigned to now (and of any it just left).

    Call it after the change is saved, in the same transaction: the case's row is then locked by
    it, so whose load the case is in is read from the database, never from a stale copy. Each
    caseworker's count row is locked before counting, so two changes to one load at the same time
    are counted one after the other and the later one sees the earlier.
    """
    now = Case.objects.filter(pk=case.pk).values_list("assigned_to", flat=True).first()
    recount_caseloads([now, *earlier])


@transaction.atomic
def recount_caseloads(caseworker_ids: Iterable[int | None]) -> None:
    """Count each caseworker's open and urgent cases again, from her organisation's caseload index,
    and the follow-ups still scheduled in them."""
    wanted = {pk for pk in caseworker_ids if pk is not None}
    for worker in User.objects.filter(pk__in=wanted).order_by("pk"):  # one order: no deadlock
        load, _created = CaseloadCount.objects.select_for_update().get_or_create(caseworker=worker)
        her_cases = Case.objects.open().filter(organisation=worker.organisation_id, assigned_to=worker.pk)
        load.scheduled_follow_ups = FollowUp.objects.filter(
            status=FollowUpStatus.SCHEDULED, case__in=her_cases.values("pk")
        ).count()
        figures = (
            her_cases
            # Counting a column of the index, not the id: the id is not in it, and reading it would
            # read every row of her cases.
            .aggregate(open_cases=Count("*"), urgent=Count("is_urgent_now", filter=Q(is_urgent_now=True)))
        )
        load.open_cases, load.urgent = figures["open_cases"], figures["urgent"]
        load.save(update_fields=["open_cases", "urgent", "scheduled_follow_ups"])


@transaction.atomic
def assign_case(*, case: Case, caseworker: User, by: User) -> None:
    """A supervisor gives the case to a caseworker of the same organisation, who is told in the app."""
    if caseworker.organisation_id != case.organisation_id or not caseworker.has_role(Role.CASEWORKER, Role.SUPERVISOR):
        raise StepRefused(_("Choose a caseworker of your organisation."))
    _refuse_if_closed(case)
    # Locked and read from the database: the load it leaves is the one it is really in now.
    earlier = Case.objects.select_for_update().filter(pk=case.pk).values_list("assigned_to", flat=True).get()
    case.assigned_to = caseworker
    fields = ["assigned_to", "updated_at"]
    _start_handling(case, fields)
    case.save(update_fields=fields)
    keep_caseload_of(case, earlier)
    record(actor=by, action="case.assigned", target=case)
    if caseworker.pk != by.pk:
        notify(recipients=[caseworker], case=case, kind=NotificationKind.ASSIGNED)


# Safety and risk assessment -----------------------------------------------------------------

RISK_ORDER: list[str] = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
# Any of these answered "yes" makes the risk high: her life or safety is at stake now.
HIGH_RISK_QUESTIONS = ("immediate_danger", "family_violence", "self_harm")
# These raise it to at least medium: the threat is already real, or reaches her family.
MEDIUM_RISK_QUESTIONS = ("images_published", "knows_family")


def risk_level_from(answers: dict[str, str]) -> str:
    """The least risk level the answers allow; "not known" on a life-or-safety question counts as medium."""
    if any(answers.get(question) == Answer.YES for question in HIGH_RISK_QUESTIONS):
        return RiskLevel.HIGH
    if any(answers.get(question) == Answer.YES for question in MEDIUM_RISK_QUESTIONS) or any(
        answers.get(question) == Answer.UNKNOWN for question in HIGH_RISK_QUESTIONS
    ):
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


@transaction.atomic
def record_risk_assessment(*, case: Case, answers: dict[str, str], notes: str, judged: str, by: User) -> RiskAssessment:
    """Seal the answers in the care locker and keep only the level in plain columns.

    The caseworker may judge the risk higher than the answers show, never lower. A high risk
    notifies the supervisors at once.
    """
    _refuse_if_closed(case)
    level = max(risk_level_from(answers), judged or RiskLevel.LOW, key=RISK_ORDER.index)
    assessment = RiskAssessment.objects.create(
        case=case,
        risk_level=level,
        assessed_by=by,
        answers_sealed=_seal_json(case.care_locker, {**answers, "notes": notes}),
    )
    case.risk_level = level
    fields = ["risk_level", "updated_at"]
    _start_handling(case, fields)
    case.save(update_fields=fields)
    keep_caseload_of(case)
    record(actor=by, action="case.risk_assessed", target=case)
    if level == RiskLevel.HIGH:
        notify_supervisors(case=case, kind=NotificationKind.HIGH_RISK)
    return assessment


# Child safeguarding -------------------------------------------------------------------------


@dataclass(frozen=True)
class SafeguardingDecision:
    """The safeguarding step of a child's case: her best interest, who is involved and why, referrals."""

    best_interest: str
    guardian_involvement: str
    guardian_reason: str
    child_referral: str


@transaction.atomic
def record_safeguarding(*, case: Case, decision: SafeguardingDecision, by: User) -> Safeguarding:
    """Record the safeguarding step of a girl's case; the note and the reason are sealed in the care locker.

    Refused on a closed case, on a case of an adult, and without the best-interest note or the reason
    for who is involved.
    """
    _refuse_if_closed(case)
    if not case.is_child:
        raise StepRefused(_("This case is not of a girl under 18, so it has no safeguarding step."))
    if not (decision.best_interest.strip() and decision.guardian_reason.strip()):
        raise StepRefused(_("Write what is in her best interest and why these adults are, or are not, involved."))
    details = {"best_interest": decision.best_interest, "guardian_reason": decision.guardian_reason}
    record_ = Safeguarding.objects.create(
        case=case,
        guardian_involvement=decision.guardian_involvement,
        child_referral=decision.child_referral,
        details_sealed=_seal_json(case.care_locker, details),
        recorded_by=by,
    )
    fields = ["updated_at"]
    _start_handling(case, fields)
    case.save(update_fields=fields)
    record(actor=by, action="case.safeguarding_recorded", target=case)
    return record_


@transaction.atomic
def decide_mandatory_reporting(*, case: Case, decision: str, reason: str, by: User) -> MandatoryReporting:
    """A supervisor decides whether a child's case is reported to the authorities as the law asks.

    Refused on a closed case, on a case of an adult, to anyone but a supervisor and without a
    reason; the reason is sealed in the care locker. Reporting itself goes by a referral, which
    follows her consent or, where her safety requires it, a supervisor's emergency override.
    """
    _refuse_if_closed(case)
    if not case.is_child:
        raise StepRefused(_("This case is not of a girl under 18, so it has no safeguarding step."))
    if not by.has_role(Role.SUPERVISOR):
        raise StepRefused(_("Only a supervisor decides on mandatory reporting."))
    if decision not in ReportingDecision.values or not reason.strip():
        raise StepRefused(_("Choose a decision and write why it is in her best interest."))
    made = MandatoryReporting.objects.create(
        case=case,
        decision=decision,
        reason_sealed=_seal_json(case.care_locker, {"reason": reason}),
        decided_by=by,
    )
    record(actor=by, action="case.mandatory_reporting_decided", target=case)
    return made


# Case action plan and its implementation ----------------------------------------------------


def keep_next_due(case: Case) -> None:
    """Set when something of the case first falls due, after a follow-up or a planned step changed.

    A step due on a day is overdue from the next midnight (local time), as the queue has always
    counted it; a follow-up from its time.
    """
    follow_up = FollowUp.objects.filter(case=case, status=FollowUpStatus.SCHEDULED).aggregate(first=Min("due_at"))
    step = PlanAction.objects.filter(case=case, status=ActionStatus.PLANNED).aggregate(first=Min("due_on"))
    due = [follow_up["first"]]
    if step["first"] is not None:
        midnight = datetime.combine(step["first"] + timedelta(days=1), time(), tzinfo=timezone.get_current_timezone())
        due.append(midnight)
    case.next_due_at = min((moment for moment in due if moment is not None), default=None)
    Case.objects.filter(pk=case.pk).update(next_due_at=case.next_due_at)


@transaction.atomic
def add_plan_action(
    *, case: Case, kind: str, consent_how: str, due_on: date | None, details: str, by: User
) -> PlanAction:
    """Add one step she chose, having been told what it involves; the details are sealed."""
    _refuse_if_closed(case)
    action = PlanAction.objects.create(
        case=case,
        kind=kind,
        consent_how=consent_how,
        due_on=due_on,
        details_sealed=_seal_json(case.care_locker, {"details": details}),
        created_by=by,
    )
    fields = ["updated_at"]
    _start_handling(case, fields)
    case.save(update_fields=fields)
    keep_next_due(case)
    record(actor=by, action="case.plan_action_added", target=case)
    return action


@transaction.atomic
def finish_plan_action(*, action: PlanAction, status: str, outcome: str, by: User) -> None:
    """Record that a step was done or dropped, and what came of it (sealed)."""
    _refuse_if_closed(action.case)
    if action.status != ActionStatus.PLANNED:
        raise StepRefused(_("This step of the plan was already recorded."))
    action.status = status
    action.outcome_sealed = _seal_json(action.case.care_locker, {"outcome": outcome})
    action.finished_at = timezone.now()
    action.save(update_fields=["status", "outcome_sealed", "finished_at"])
    keep_next_due(action.case)
    record(actor=by, action=f"case.plan_action_{status}", target=action.case)


# Follow-ups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpPlan:
    """How a follow-up reaches her safely; everything but the time and channel is sealed."""

    due_at: datetime
    channel: str
    safe_times: str = ""
    if_someone_else_answers: str = ""
    purpose: str = ""


@transaction.atomic
def schedule_follow_up(*, case: Case, plan: FollowUpPlan, by: User) -> FollowUp:
    _refuse_if_closed(case)
    details = {
        "safe_times": plan.safe_times,
        "if_someone_else_answers": plan.if_someone_else_answers,
        "purpose": plan.purpose,
    }
    follow_up = FollowUp.objects.create(
        case=case,
        due_at=plan.due_at,
        channel=plan.channel,
        details_sealed=_seal_json(case.care_locker, details),
        scheduled_by=by,
    )
    keep_next_due(case)
    keep_caseload_of(case)
    record(actor=by, action="case.follow_up_scheduled", target=case)
    return follow_up


@transaction.atomic
def record_follow_up(*, follow_up: FollowUp, status: str, outcome: str, by: User) -> None:
    """Done or missed, with what happened (sealed). A follow-up is recorded once."""
    follow_up = FollowUp.objects.select_for_update().select_related("case__care_locker").get(pk=follow_up.pk)
    _refuse_if_closed(follow_up.case)
    if follow_up.status != FollowUpStatus.SCHEDULED:
        raise StepRefused(_("This follow-up was already recorded."))
    follow_up.status = status
    follow_up.outcome_sealed = _seal_json(follow_up.case.care_locker, {"outcome": outcome})
    follow_up.recorded_by = by
    follow_up.recorded_at = timezone.now()
    follow_up.save(update_fields=["status", "outcome_sealed", "recorded_by", "recorded_at"])
    keep_next_due(follow_up.case)
    keep_caseload_of(follow_up.case)
    record(actor=by, action=f"case.follow_up_{status}", target=follow_up.case)


# Closure ------------------------------------------------------------------------------------


@transaction.atomic
def request_closure(*, case: Case, reason: str, feedback: str, by: User, not_asked_because: str = "") -> ClosureRequest:
    """A caseworker asks to close the case, with the reason and her feedback (or why she could not be
    asked safely); supervisors are told. The closure checklist is read when a supervisor decides."""
    case = Case.objects.select_for_update().select_related("care_locker").get(pk=case.pk)
    _refuse_if_closed(case)
    if case.closure_requested:
        raise StepRefused(_("Closing this case was already requested; a supervisor will decide."))
    asked = True if feedback.strip() else False if not_asked_because.strip() else None
    request = ClosureRequest.objects.create(
        case=case,
        reason=reason,
        feedback_sealed=_seal_json(case.care_locker, {"feedback": feedback, "not_asked_because": not_asked_because}),
        feedback_asked=asked,
        requested_by=by,
    )
    case.closure_requested = True
    case.save(update_fields=["closure_requested", "updated_at"])
    record(actor=by, action="case.closure_requested", target=case)
    notify(
        recipients=[user for user in supervisors_of(case.organisation_id) if user.pk != by.pk],
        case=case,
        kind=NotificationKind.CLOSURE_REQUESTED,
    )
    return request


def _check_closure(case: Case, request: ClosureRequest, overrides: Mapping[str, str]) -> dict[str, str]:
    """The overrides that count: a written reason for each item of the checklist still missing.

    Refused while any missing item has no reason; overrides of items already done are left out.
    """
    missing = [item for item in selectors.closure_checklist(case, request) if not item.done]
    used = {item.code: overrides.get(item.code, "").strip() for item in missing}
    lacking = [str(item.label) for item in missing if not used[item.code]]
    if lacking:
        raise StepRefused(
            _(
                "The case cannot close yet. Still missing: %(items)s. Complete these steps, "
                "or override each one with a written reason."
            )
            % {"items": "; ".join(lacking)}
        )
    return used


@transaction.atomic
def decide_closure(
    *,
    case: Case,
    approve: bool,
    note: str,
    by: User,
    overrides: Mapping[str, str] | None = None,
    request_id: int | None = None,
) -> None:
    """A supervisor approves the pending request (the case closes) or returns it with a note.

    Steps: lock the case; refuse when nothing is pending, when the form was made for an earlier
    request (``request_id``), or when the supervisor asked herself (four eyes); to approve, read the
    closure checklist again now and refuse while an item is missing without a written override;
    seal the note and the overrides' reasons; close the case, which ends every referral still open
    (each partner loses its keys and is told the case is closed); audit each override.
    """
    case = Case.objects.select_for_update().select_related("care_locker").get(pk=case.pk)
    request = ClosureRequest.objects.filter(case=case, decision=ClosureDecision.PENDING).first()
    if request is None:
        raise StepRefused(_("There is no request to close this case."))
    if request_id is not None and request.pk != request_id:
        raise StepRefused(
            _("The request to close this case changed since you opened the page. Read it again, then decide.")
        )
    if request.requested_by_id == by.pk:
        # Four eyes: the one who asked never decides, even a supervisor asking herself.
        raise StepRefused(_("You asked to close this case, so another supervisor must decide."))
    used = _check_closure(case, request, overrides or {}) if approve else {}
    request.decision = ClosureDecision.APPROVED if approve else ClosureDecision.RETURNED
    request.decision_note_sealed = _seal_json(case.care_locker, {"note": note, "overrides": used})
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["decision", "decision_note_sealed", "decided_by", "decided_at"])
    case.closure_requested = False
    fields = ["closure_requested", "updated_at"]
    if approve:
        case.status = Status.CLOSED
        fields.append("status")
    case.save(update_fields=fields)
    keep_caseload_of(case)
    if approve:
        # The case's work is over, so is every partner's access to it.
        referrals.end_for_closed_case(case=case, by=by)
    for code in used:
        record(actor=by, action=f"case.closure_override_{code}", target=case)
    record(actor=by, action=f"case.closure_{request.decision}", target=case)
    if not approve and request.requested_by is not None and request.requested_by.pk != by.pk:
        notify(recipients=[request.requested_by], case=case, kind=NotificationKind.CLOSURE_RETURNED)


@transaction.atomic
def reopen_case(*, case: Case, by: User) -> None:
    if case.status != Status.CLOSED:
        raise StepRefused(_("Only a closed case can be reopened."))
    case.status = Status.IN_PROGRESS
    case.save(update_fields=["status", "updated_at"])
    keep_caseload_of(case)
    record(actor=by, action="case.reopened", target=case)


# Peace-team hand-over -----------------------------------------------------------------------


@transaction.atomic
def hand_over(
    *, case: Case, to_organisation: Organisation, consent_how: str, keyring: vault.Keyring, by: User
) -> Handover:
    """With her consent, a peace team passes a case it holds to a protection NGO.

    Steps: grant every locker of the case to the NGO (old and new data), revoke the team's
    grants (each locker is re-keyed, so nothing the NGO adds later opens for the team), move the
    case to the NGO, keep the team as the one that received it, tell the NGO's supervisors.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    team = case.organisation
    if not case.is_held_by_team:
        raise StepRefused(_("This case was already handed over."))
    if to_organisation.kind != OrganisationKind.NGO:
        raise StepRefused(_("Choose a protection NGO."))
    handover = Handover.objects.create(
        case=case, from_team=team, to_organisation=to_organisation, consent_how=consent_how, handed_over_by=by
    )
    for locker in _lockers(case):
        vault.grant(
            locker=locker,
            organisation=to_organisation,
            keyring=keyring,
            by=by,
            reason="peace-team hand-over",
            consent_ref=f"handover:{handover.pk}",
        )
        vault.revoke(locker=locker, organisation=team, by=by, reason="handed over to an NGO")
    case.organisation = to_organisation
    case.handed_over_at = timezone.now()
    case.save(update_fields=["organisation", "handed_over_at", "updated_at"])
    record(actor=by, action="case.handed_over", target=case)
    notify_supervisors(case=case, kind=NotificationKind.HANDED_OVER)
    if case.is_urgent:
        notify_supervisors(case=case, kind=NotificationKind.URGENT_REPORT)
    return handover


def _lockers(case: Case) -> list[Any]:
    return [case.identity_locker, case.incident_locker, case.evidence_locker, case.care_locker, case.messages_locker]
