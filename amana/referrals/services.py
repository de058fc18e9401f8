"""Writes on referrals. Each is one transaction and records itself in the audit log (never content).

Consent is enforced here and by the vault: a referral grants exactly the consented compartments of
the case to the receiving organisation, and every withdrawal, decline or expiry revokes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.models import Organisation, OrganisationKind, Role, User
from amana.audit.services import record
from amana.cases.models import (
    ASSENT_ONLY_AGE_BANDS,
    ActionStatus,
    Audience,
    Case,
    Consent,
    NotificationKind,
    PlanAction,
    Scope,
)
from amana.cases.notifications import notify_caseworker, notify_supervisors
from amana.core.references import random_reference
from amana.directory.models import Service
from amana.evidence import sharing
from amana.evidence.models import EvidenceItem
from amana.referrals.models import (
    OPEN_STATUSES,
    ConsentGiven,
    Outcome,
    PartnerAction,
    Pathway,
    Question,
    Referral,
    ReferralGrant,
    RevokedBecause,
    Status,
)
from amana.vault import services as vault
from amana.vault.models import Locker
from amana.vault.services import Compartment, Keyring

# The compartments a referral may share; care notes and her messages stay with the NGO.
SHAREABLE = (Compartment.IDENTITY, Compartment.INCIDENT, Compartment.EVIDENCE)
SCOPE_OF = {
    Compartment.IDENTITY: Scope.IDENTITY,
    Compartment.INCIDENT: Scope.INCIDENT,
    Compartment.EVIDENCE: Scope.INCIDENT,
}
AUDIENCE_OF = {
    OrganisationKind.POLICE: Audience.AUTHORITIES,
    OrganisationKind.NATIONAL_SECURITY: Audience.AUTHORITIES,
    OrganisationKind.SERVICE_PROVIDER: Audience.SERVICES,
}
AUTHORITY_KINDS = frozenset({OrganisationKind.POLICE, OrganisationKind.NATIONAL_SECURITY})
PATHWAY_KINDS = {
    Pathway.ACCOMPANIMENT: AUTHORITY_KINDS,
    Pathway.SAFE_SPACE: AUTHORITY_KINDS,
    Pathway.LIAISON: AUTHORITY_KINDS,
    Pathway.SERVICE: frozenset({OrganisationKind.SERVICE_PROVIDER}),
}
MEETING_PATHWAYS = frozenset({Pathway.ACCOMPANIMENT, Pathway.SAFE_SPACE})
LONGEST_CONSENT_DAYS = 366


class ReferralRefused(Exception):
    """A referral or a step that the rules forbid; the message is translated, for the form."""


def consented_compartments(case: Case, organisation: Organisation) -> set[str]:
    """The compartments her current choices allow for this kind of organisation."""
    audience = AUDIENCE_OF.get(organisation.kind)  # type: ignore[call-overload]  # a kind value
    given = set(Consent.objects.filter(case=case, audience=audience, given=True).values_list("scope", flat=True))
    return {compartment for compartment in SHAREABLE if SCOPE_OF[compartment] in given}


def case_locker(case: Case, compartment: str) -> Locker:
    locker: Locker = getattr(case, f"{compartment}_locker")
    return locker


def _new_reference() -> str:
    """A pseudonymous reference like R-K7Q2-93XD, unrelated to the case's own reference."""
    return random_reference(prefix="R-", taken=lambda reference: Referral.objects.filter(reference=reference).exists())


def _check_new_referral(
    *,
    case: Case,
    organisation: Organisation,
    pathway: str,
    compartments: set[str],
    until: date,
    override: bool,
    by: User,
) -> set[str]:
    """Apply the rules of a new referral; return the compartments only the override allows."""
    if organisation.kind not in PATHWAY_KINDS[pathway]:  # type: ignore[index]  # a pathway value
        raise ReferralRefused(_("This organisation cannot receive a referral by this pathway."))
    if not compartments or not compartments <= set(SHAREABLE):
        raise ReferralRefused(_("Choose at least one part of the case to share."))
    if pathway == Pathway.LIAISON and Compartment.IDENTITY in compartments:
        raise ReferralRefused(_("Liaison without identity never shares her identity, not even in an emergency."))
    today = timezone.localdate()
    if not today <= until <= today + timedelta(days=LONGEST_CONSENT_DAYS):
        raise ReferralRefused(_("Consent must last from today to at most one year ahead."))
    # One open referral per pathway per organisation: a liaison does not block the accompaniment
    # that follows it, but the same step is not asked of the same organisation twice.
    if Referral.objects.open().filter(case=case, organisation=organisation, pathway=pathway).exists():
        raise ReferralRefused(
            _(
                "This case already has an open referral to this organisation by this pathway (%(pathway)s). "
                "Follow that one from the case's referrals, or withdraw it first; another pathway to the same "
                "organisation is allowed."
            )
            % {"pathway": Pathway(pathway).label}
        )
    beyond = compartments - consented_compartments(case, organisation)
    if beyond and not override:
        if case.age_band in ASSENT_ONLY_AGE_BANDS:
            raise ReferralRefused(
                _(
                    "She is under 15: what she chose herself is her assent, and sharing also needs an adult's "
                    "consent. Record it with her on her consent page (her caregiver's, or another trusted adult's "
                    "where involving the caregiver is not safe), then make the referral."
                )
            )
        raise ReferralRefused(_("Her choices do not allow sharing this with this organisation."))
    if override and not by.has_role(Role.SUPERVISOR):
        raise ReferralRefused(_("Only a supervisor can make an emergency override."))
    return beyond


@transaction.atomic
def create_referral(
    *,
    case: Case,
    organisation: Organisation,
    pathway: str,
    compartments: Iterable[str],
    purpose: str,
    consent_given: str,
    consent_until: date,
    by: User,
    keyring: Keyring,
    service: Service | None = None,
    service_type: str = "",
    override_reason: str = "",
    plan_action: PlanAction | None = None,
    files: Iterable[str] = (),
    intimate_confirmed: bool = False,
) -> Referral:
    """Refer a case under her consent, or under a supervisor's emergency override.

    Steps: check the rules (pathway, her choices, identity never in liaison, one open referral per
    pathway per organisation, a plan step of this case); check the chosen evidence files (``files``,
    tokens of ``evidence.sharing``); make the referral's exchange locker (NGO and receiving
    organisation); seal the purpose; grant exactly the chosen lockers to the organisation, and for
    evidence only the chosen files, sealed again under the referral's own key; audit the referral and
    any override.
    """
    chosen = set(compartments)
    override = bool(override_reason.strip())
    beyond = _check_new_referral(
        case=case,
        organisation=organisation,
        pathway=pathway,
        compartments=chosen,
        until=consent_until,
        override=override,
        by=by,
    )
    if plan_action is not None and plan_action.case_id != case.pk:
        raise ReferralRefused(_("Choose a step of this case's plan."))
    if service is not None and case.is_child and not service.accepts_children:
        raise ReferralRefused(
            _("This service does not take children under 18, and she is a child: choose a service that does.")
        )
    items = _chosen_files(
        case=case,
        organisation=organisation,
        compartments=chosen,
        files=files,
        intimate_confirmed=intimate_confirmed,
        keyring=keyring,
        by=by,
    )
    exchange = vault.create_locker(compartment=Compartment.MESSAGES, holders=[case.organisation, organisation])
    referral = Referral.objects.create(
        reference=_new_reference(),
        case=case,
        organisation=organisation,
        service=service,
        pathway=pathway,
        service_type=service_type if pathway == Pathway.SERVICE else "",
        exchange_locker=exchange,
        plan_action=plan_action,
        compartments=sorted(chosen),
        consent_given=ConsentGiven.OVERRIDE if override else consent_given,
        consent_until=consent_until,
        purpose_sealed=vault.seal(exchange, purpose),
        override_by=by if override else None,
        override_reason_sealed=vault.seal(case.care_locker, override_reason) if override else None,
        created_by=by,
    )
    for compartment in sorted(chosen - {Compartment.EVIDENCE}):
        vault.grant(
            locker=case_locker(case, compartment),
            organisation=organisation,
            keyring=keyring,
            by=by,
            reason=f"referral {pathway}",
            consent_ref=referral.reference,
        )
    if Compartment.EVIDENCE in chosen:
        sharing.share(referral=referral, items=items, keyring=keyring, by=by)
    ReferralGrant.objects.bulk_create(
        ReferralGrant(referral=referral, compartment=compartment, by_override=compartment in beyond)
        for compartment in sorted(chosen)
    )
    record(actor=by, action="referral.created", target=referral)
    if override:
        record(actor=by, action="referral.emergency_override", target=referral)
    return referral


def _chosen_files(
    *,
    case: Case,
    organisation: Organisation,
    compartments: set[str],
    files: Iterable[str],
    intimate_confirmed: bool,
    keyring: Keyring,
    by: User,
) -> list[EvidenceItem]:
    """The evidence items the chosen files mean; the original chat export only where her identity is
    shared with her consent (an emergency override shares it without, and never the original export)."""
    files = list(files)
    if files and Compartment.EVIDENCE not in compartments:
        raise ReferralRefused(_("Files are shared only with the evidence: tick “Evidence”, or choose no file."))
    try:
        return sharing.resolve(
            case=case,
            tokens=files,
            identity_shared=Compartment.IDENTITY in compartments & consented_compartments(case, organisation),
            intimate_confirmed=intimate_confirmed,
            keyring=keyring,
            by=by,
        )
    except sharing.SharingRefused as refusal:
        raise ReferralRefused(str(refusal)) from refusal


@transaction.atomic
def change_files(
    *, referral: Referral, files: Iterable[str], intimate_confirmed: bool, keyring: Keyring, by: User
) -> tuple[int, int]:
    """Change which evidence files an open referral shares; returns how many were added and removed."""
    referral = _locked(referral)
    if not referral.is_open:
        raise ReferralRefused(_("This referral has ended, so what it shares can no longer be changed."))
    granted = set(referral.grants.filter(revoked_at__isnull=True).values_list("compartment", flat=True))
    if Compartment.EVIDENCE not in granted or sharing.share_of(referral) is None:
        raise ReferralRefused(
            _("This referral does not share evidence. Make a new referral to share files with this organisation.")
        )
    items = _chosen_files(
        case=referral.case,
        organisation=referral.organisation,
        compartments=granted,
        files=files,
        intimate_confirmed=intimate_confirmed,
        keyring=keyring,
        by=by,
    )
    added, removed = sharing.share(referral=referral, items=items, keyring=keyring, by=by)
    if added or removed:
        record(actor=by, action="referral.files_changed", target=referral)
    return added, removed


def _held_by_another_referral(referral: Referral, compartment: str) -> bool:
    """Whether another open referral of the same case to the same organisation still relies on this key
    (for evidence, only one that holds the case's evidence locker rather than its own share)."""
    others = ReferralGrant.objects.all()
    if compartment == Compartment.EVIDENCE:
        others = others.filter(referral__evidence_share__isnull=True)
    return (
        others.filter(
            referral__case=referral.case_id,
            referral__organisation=referral.organisation_id,
            referral__status__in=OPEN_STATUSES,
            compartment=compartment,
            revoked_at__isnull=True,
        )
        .exclude(referral=referral)
        .exists()
    )


def _revoke(referral: Referral, grants: Iterable[ReferralGrant], *, by: User | None, because: str) -> int:
    """Take the organisation's keys to these compartments away; the lockers are re-keyed."""
    now = timezone.now()
    count = 0
    for referral_grant in grants:
        # Evidence shared file by file has a locker of its own, shredded here; a referral made before
        # files were chosen one by one holds the case's evidence locker, revoked like the others.
        own_share = referral_grant.compartment == Compartment.EVIDENCE and sharing.end(
            referral=referral, by=by, reason=f"referral {because}"
        )
        if not own_share and not _held_by_another_referral(referral, referral_grant.compartment):
            vault.revoke(
                locker=case_locker(referral.case, referral_grant.compartment),
                organisation=referral.organisation,
                by=by,  # type: ignore[arg-type]  # None when she withdrew consent herself
                reason=f"referral {because}",
            )
        referral_grant.revoked_at = now
        referral_grant.revoked_because = because
        referral_grant.save(update_fields=["revoked_at", "revoked_because"])
        count += 1
    return count


def _strip(referral: Referral, *, by: User | None, because: str) -> int:
    """Take away every key the receiving organisation still holds through this referral.

    Steps: revoke each compartment still granted (re-keying its locker), then the referral's
    exchange locker, so nothing sealed about the referral opens for the organisation any more.
    Safe to repeat: what is already revoked is left alone. Returns the grants revoked.
    """
    revoked = _revoke(referral, referral.grants.filter(revoked_at__isnull=True), by=by, because=because)
    if referral.organisation_id in vault.holder_organisation_ids(referral.exchange_locker):
        vault.revoke(
            locker=referral.exchange_locker,
            organisation=referral.organisation,
            by=by,  # type: ignore[arg-type]  # None when she withdrew consent herself
            reason=f"referral {because}",
        )
    return revoked


def _end(referral: Referral, *, status: str, by: User | None, because: str) -> None:
    """Close a referral: the organisation keeps its own record of it (status, what it recorded, dates)
    and no key to anything sealed."""
    _strip(referral, by=by, because=because)
    referral.status = status
    referral.closed_at = timezone.now()
    referral.save(update_fields=["status", "closed_at"])


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update()
        .select_related("case", "organisation", "exchange_locker")
        .get(pk=referral.pk)
    )


def _holding_keys(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """The referrals still open or still granting a compartment, whatever their status."""
    granting = ReferralGrant.objects.filter(revoked_at__isnull=True).values("referral_id")
    return referrals.filter(Q(status__in=OPEN_STATUSES) | Q(pk__in=granting))


@transaction.atomic
def withdraw(*, referral: Referral, by: User) -> None:
    """The caseworker withdraws the referral: the organisation loses every key it was given."""
    referral = _locked(referral)
    if not referral.is_open:
        _strip(referral, by=by, because=RevokedBecause.CASEWORKER)
        return
    _end(referral, status=Status.WITHDRAWN, by=by, because=RevokedBecause.CASEWORKER)
    record(actor=by, action="referral.withdrawn", target=referral)


@transaction.atomic
def apply_consent_change(*, case: Case, by: User | None) -> int:
    """Revoke what her changed choices no longer allow, on every referral of the case whatever its status.

    Her choices change on the site with her code (``by`` None) or as she tells a member of staff
    (``by`` who recorded it): either way the withdrawal is hers. A finished referral (done, declined,
    closed) should hold nothing already; if it still does, it loses it now. Grants made under a
    supervisor's emergency override never relied on her choices: they end when the override's short
    time runs out (``end_override``). An open referral left with nothing granted is closed. Returns
    the grants revoked.
    """
    because = RevokedBecause.SURVIVOR
    revoked = 0
    referrals = _holding_keys(Referral.objects.filter(case=case)).select_related(
        "case", "organisation", "exchange_locker"
    )
    for referral in referrals.select_for_update(of=("self",)):
        if not referral.is_open:
            revoked += _strip(referral, by=by, because=because)
            continue
        allowed = consented_compartments(case, referral.organisation)
        active = list(referral.grants.filter(revoked_at__isnull=True, by_override=False))
        lost = [grant for grant in active if grant.compartment not in allowed]
        if not lost:
            continue
        revoked += _revoke(referral, lost, by=by, because=because)
        record(actor=by, action="referral.consent_withdrawn", target=referral)
        if not referral.grants.filter(revoked_at__isnull=True).exists():
            _end(referral, status=Status.WITHDRAWN, by=by, because=because)
    return revoked


@transaction.atomic
def end_for_closed_case(*, case: Case, by: User) -> int:
    """The case was closed: every referral of it ends, and each organisation loses its keys."""
    ended = 0
    referrals = _holding_keys(Referral.objects.filter(case=case)).select_related(
        "case", "organisation", "exchange_locker"
    )
    for referral in referrals.select_for_update(of=("self",)):
        if referral.is_open:
            _end(referral, status=Status.CASE_CLOSED, by=by, because=RevokedBecause.CASE_CLOSED)
            record(actor=by, action="referral.ended_case_closed", target=referral)
        else:
            _strip(referral, by=by, because=RevokedBecause.CASE_CLOSED)
        ended += 1
    return ended


def is_expired(referral: Referral) -> bool:
    return referral.is_open and referral.consent_until < timezone.localdate()


# Why a finished referral should hold no key, by its status.
ENDED_BECAUSE = {
    Status.DONE: RevokedBecause.DONE,
    Status.DECLINED: RevokedBecause.DECLINED,
    Status.CASE_CLOSED: RevokedBecause.CASE_CLOSED,
    Status.WITHDRAWN: RevokedBecause.CASEWORKER,
    Status.EXPIRED: RevokedBecause.EXPIRED,
}


@transaction.atomic
def expire(*, referral: Referral, today: date | None = None) -> bool:
    """End a referral whose consent ran out, and take any key a finished referral still holds.

    Returns whether anything was ended or revoked.
    """
    today = today or timezone.localdate()
    referral = _locked(referral)
    if referral.is_open:
        if referral.consent_until >= today:
            return False
        _end(referral, status=Status.EXPIRED, by=None, because=RevokedBecause.EXPIRED)
        record(actor=None, action="referral.expired", target=referral)
        return True
    because = RevokedBecause.EXPIRED if referral.consent_until < today else ENDED_BECAUSE[referral.status]  # type: ignore[index]  # a status value
    if not _strip(referral, by=None, because=because):
        return False
    record(actor=None, action="referral.keys_ended", target=referral)
    return True


def expire_due(*, today: date | None = None) -> int:
    """End every open referral whose consent ended before today, and take every key a finished
    referral still holds (whatever its status); one transaction each. Returns how many."""
    today = today or timezone.localdate()
    granting = ReferralGrant.objects.filter(revoked_at__isnull=True).values("referral_id")
    due = Referral.objects.filter(
        Q(status__in=OPEN_STATUSES, consent_until__lt=today) | (~Q(status__in=OPEN_STATUSES) & Q(pk__in=granting))
    ).only("pk")
    return sum(expire(referral=referral, today=today) for referral in due.iterator())


# Emergency override ----------------------------------------------------------------------------


def override_cutoff(now: datetime | None = None) -> datetime:
    """Override grants made before this moment have run their time."""
    return (now or timezone.now()) - timedelta(hours=settings.AMANA_OVERRIDE_HOURS)


def _override_grants(referral: Referral, *, before: datetime) -> QuerySet[ReferralGrant]:
    return referral.grants.filter(revoked_at__isnull=True, by_override=True, granted_at__lte=before)


@transaction.atomic
def end_override(*, referral: Referral, now: datetime | None = None) -> int:
    """An emergency override ran its time: keep what her consent now allows, revoke the rest.

    Steps: for each override grant older than AMANA_OVERRIDE_HOURS, a compartment her recorded
    choices now allow stays (it no longer rests on the override); any other is revoked and its
    locker re-keyed. An open referral left with nothing granted ends. Returns the grants revoked.
    """
    referral = _locked(referral)
    grants = list(_override_grants(referral, before=override_cutoff(now)))
    if not grants:
        return 0
    allowed = consented_compartments(referral.case, referral.organisation)
    confirmed = [grant.pk for grant in grants if grant.compartment in allowed]
    if confirmed:
        ReferralGrant.objects.filter(pk__in=confirmed).update(by_override=False)
        record(actor=None, action="referral.override_confirmed_by_consent", target=referral)
    lost = [grant for grant in grants if grant.pk not in confirmed]
    revoked = _revoke(referral, lost, by=None, because=RevokedBecause.OVERRIDE_ENDED)
    if revoked:
        record(actor=None, action="referral.override_ended", target=referral)
    if referral.is_open and not referral.grants.filter(revoked_at__isnull=True).exists():
        _end(referral, status=Status.EXPIRED, by=None, because=RevokedBecause.OVERRIDE_ENDED)
    return revoked


def end_overrides_due(*, now: datetime | None = None) -> int:
    """End every emergency override that ran its time; returns the grants revoked."""
    granting = ReferralGrant.objects.filter(
        revoked_at__isnull=True, by_override=True, granted_at__lte=override_cutoff(now)
    ).values("referral_id")
    due = Referral.objects.filter(pk__in=granting).only("pk")
    return sum(end_override(referral=referral, now=now) for referral in due.iterator())


@transaction.atomic
def warn_overrides_ending(*, now: datetime | None = None) -> int:
    """Tell the supervisors (and the caseworker) of each case whose override ends within
    AMANA_OVERRIDE_WARNING_HOURS, once, so her consent can be recorded in time."""
    now = now or timezone.now()
    soon = override_cutoff(now) + timedelta(hours=settings.AMANA_OVERRIDE_WARNING_HOURS)
    granting = ReferralGrant.objects.filter(revoked_at__isnull=True, by_override=True, granted_at__lte=soon).values(
        "referral_id"
    )
    due = Referral.objects.filter(pk__in=granting, override_warned_at__isnull=True).select_related("case__assigned_to")
    warned = 0
    for referral in due.select_for_update(of=("self",)):
        notify_supervisors(case=referral.case, kind=NotificationKind.OVERRIDE_ENDING)
        referral.override_warned_at = now
        referral.save(update_fields=["override_warned_at"])
        record(actor=None, action="referral.override_ending_notified", target=referral)
        warned += 1
    return warned


def end_if_due(referral: Referral) -> Referral:
    """Before a partner reads a referral: an expired consent or a spent override opens nothing."""
    changed = expire(referral=referral) if is_expired(referral) else False
    changed = bool(end_override(referral=referral)) or changed
    if changed:
        referral.refresh_from_db()
    return referral


# The receiving organisation ------------------------------------------------------------------


def _require(referral: Referral, *statuses: str) -> None:
    if referral.status not in statuses:
        raise ReferralRefused(_("This step is not possible at this stage of the referral."))


def _tell_caseworker(referral: Referral, kind: str) -> None:
    """Tell the case's caseworker what the partner did: the kind of step and the referral's
    pseudonymous reference only, never what the partner wrote."""
    notify_caseworker(
        case=referral.case,
        kind=kind,
        about=referral.reference,
        url=reverse("referrals:detail", kwargs={"reference": referral.reference}),
    )


@transaction.atomic
def accept(*, referral: Referral, by: User) -> None:
    referral = _locked(referral)
    _require(referral, Status.SENT)
    referral.status = Status.ACCEPTED
    referral.answered_at = timezone.now()
    referral.save(update_fields=["status", "answered_at"])
    record(actor=by, action="referral.accepted", target=referral)
    _tell_caseworker(referral, NotificationKind.PARTNER_ACCEPTED)


@transaction.atomic
def decline(*, referral: Referral, by: User, reason: str) -> None:
    """The organisation declines, with a reason; it keeps no key to the case."""
    referral = _locked(referral)
    _require(referral, Status.SENT, Status.ACCEPTED)
    referral.decline_reason_sealed = vault.seal(referral.exchange_locker, reason)
    referral.answered_at = timezone.now()
    referral.save(update_fields=["decline_reason_sealed", "answered_at"])
    _end(referral, status=Status.DECLINED, by=by, because=RevokedBecause.DECLINED)
    record(actor=by, action="referral.declined", target=referral)
    _tell_caseworker(referral, NotificationKind.PARTNER_DECLINED)


@transaction.atomic
def record_action(*, referral: Referral, by: User, kind: str, note: str) -> PartnerAction:
    referral = _locked(referral)
    _require(referral, Status.ACCEPTED)
    action = PartnerAction.objects.create(
        referral=referral, kind=kind, note_sealed=vault.seal(referral.exchange_locker, note), by=by
    )
    record(actor=by, action=f"referral.action_{kind}", target=referral)
    _tell_caseworker(referral, NotificationKind.PARTNER_ACTION)
    return action


@transaction.atomic
def mark_done(*, referral: Referral, by: User, note: str = "") -> None:
    """The organisation finished what it accepted (a service given, a liaison case handled).

    Its work is over, so are its keys: every grant and the exchange locker are revoked.
    """
    referral = _locked(referral)
    _require(referral, Status.ACCEPTED)
    if note:
        referral.note_sealed = vault.seal(referral.exchange_locker, note)
        referral.save(update_fields=["note_sealed"])
    _end(referral, status=Status.DONE, by=by, because=RevokedBecause.DONE)
    record(actor=by, action="referral.done", target=referral)
    _tell_caseworker(referral, NotificationKind.PARTNER_DONE)


@transaction.atomic
def ask(*, referral: Referral, by: User, text: str) -> Question:
    """A question for the NGO; the NGO answers, and nothing reaches her directly."""
    referral = _locked(referral)
    _require(referral, Status.SENT, Status.ACCEPTED)
    question = Question.objects.create(
        referral=referral, question_sealed=vault.seal(referral.exchange_locker, text), asked_by=by
    )
    record(actor=by, action="referral.question_asked", target=referral)
    _tell_caseworker(referral, NotificationKind.PARTNER_QUESTION)
    return question


# The NGO -------------------------------------------------------------------------------------


@transaction.atomic
def answer(*, question: Question, by: User, text: str) -> None:
    referral = _locked(question.referral)
    _require(referral, Status.SENT, Status.ACCEPTED)
    question.answer_sealed = vault.seal(referral.exchange_locker, text)
    question.answered_by = by
    question.answered_at = timezone.now()
    question.save(update_fields=["answer_sealed", "answered_by", "answered_at"])
    record(actor=by, action="referral.question_answered", target=referral)


@transaction.atomic
def schedule(
    *, referral: Referral, by: User, scheduled_at: datetime, room: str, staff: Iterable[User], attendees: str
) -> None:
    """Set the date, place, NGO staff and who attends an accompaniment or a safe-space meeting."""
    referral = _locked(referral)
    if referral.pathway not in MEETING_PATHWAYS:
        raise ReferralRefused(_("Only accompaniments and safe-space meetings are scheduled."))
    _require(referral, Status.SENT, Status.ACCEPTED)
    referral.scheduled_at = scheduled_at
    referral.room = room if referral.pathway == Pathway.SAFE_SPACE else ""
    referral.attendees_sealed = vault.seal(referral.exchange_locker, attendees)
    referral.save(update_fields=["scheduled_at", "room", "attendees_sealed"])
    referral.staff.set(list(staff))
    record(actor=by, action="referral.scheduled", target=referral)


@transaction.atomic
def link_plan_step(*, referral: Referral, plan_action: PlanAction | None, by: User) -> None:
    """Link an open referral to the planned step of her plan it carries out, or unlink it, after it
    was made; the plan then shows the referral's progress. Refused for a step of another case or one
    already finished."""
    referral = _locked(referral)
    _require(referral, *OPEN_STATUSES)
    unchanged = plan_action is not None and plan_action.pk == referral.plan_action_id
    if (
        plan_action is not None
        and not unchanged
        and (plan_action.case_id != referral.case_id or plan_action.status != ActionStatus.PLANNED)
    ):
        raise ReferralRefused(_("Choose one of the planned steps of this case."))
    if referral.plan_action_id == (plan_action.pk if plan_action else None):
        return
    referral.plan_action = plan_action
    referral.save(update_fields=["plan_action"])
    record(actor=by, action="referral.plan_step_linked", target=referral)


@transaction.atomic
def record_outcome(*, referral: Referral, by: User, outcome: str, note: str) -> None:
    """How the accompaniment or meeting went; anything but "postponed" completes it."""
    referral = _locked(referral)
    if referral.pathway not in MEETING_PATHWAYS:
        raise ReferralRefused(_("Only accompaniments and safe-space meetings have an outcome recorded by the NGO."))
    _require(referral, Status.ACCEPTED)
    if referral.scheduled_at is None:
        raise ReferralRefused(_("Set the date first."))
    referral.outcome = outcome
    referral.note_sealed = vault.seal(referral.exchange_locker, note)
    referral.save(update_fields=["outcome", "note_sealed"])
    if outcome != Outcome.POSTPONED:
        # The meeting took place or will not: the organisation's keys end with it.
        _end(referral, status=Status.DONE, by=by, because=RevokedBecause.DONE)
    record(actor=by, action=f"referral.outcome_{outcome}", target=referral)


def record_partner_read(*, referral: Referral, by: User) -> None:
    """A member of the receiving organisation opened the referral."""
    record(actor=by, action="referral.opened_by_partner", target=referral)


def record_partner_download(*, referral: Referral, by: User) -> None:
    record(actor=by, action="referral.evidence_downloaded", target=referral)
