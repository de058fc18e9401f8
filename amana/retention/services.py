"""Retention: set the period, hold a case, take her request, and shred what has had its time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amana.accounts.models import Organisation, Role, User
from amana.audit.services import record
from amana.cases import services as case_services
from amana.cases.models import Case, ClosureDecision, EvidenceFile, Status
from amana.channel.models import SurvivorAccess
from amana.referrals.models import Referral
from amana.retention.models import (
    DEFAULT_RETENTION_MONTHS,
    MAX_RETENTION_MONTHS,
    DeletionRequest,
    LegalHold,
    RetentionPolicy,
)
from amana.vault import services as vault

# The audit actions of a shredding: why it happened, never what the case held.
SHRED_ON_REQUEST = "case.shredded_on_request"
SHRED_AT_RETENTION_END = "case.shredded_at_retention_end"


class RetentionRefused(Exception):
    """A step that cannot be taken; the message is translated and shown as it is."""


def period_refused() -> str:
    return ngettext(
        "A closed case must be kept for at least 1 month and at most %(max)d month.",
        "A closed case must be kept for at least 1 month and at most %(max)d months.",
        MAX_RETENTION_MONTHS,
    ) % {"max": MAX_RETENTION_MONTHS}


def retention_months(organisation: Organisation) -> int:
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    return policy.months if policy else DEFAULT_RETENTION_MONTHS


@transaction.atomic
def set_retention(*, organisation: Organisation, months: int, by: User) -> None:
    """Set how many months after closure a case is kept; 0 (keep nothing) or more than 20 years is refused."""
    if not 1 <= months <= MAX_RETENTION_MONTHS:
        raise RetentionRefused(period_refused())
    RetentionPolicy.objects.update_or_create(organisation=organisation, defaults={"months": months, "changed_by": by})
    record(actor=by, action="retention.set", target=organisation)


@transaction.atomic
def place_hold(*, case: Case, by: User) -> None:
    LegalHold.objects.get_or_create(case=case, defaults={"placed_by": by})
    record(actor=by, action="retention.hold_placed", target=case)


@transaction.atomic
def lift_hold(*, case: Case, by: User) -> None:
    LegalHold.objects.filter(case=case).delete()
    record(actor=by, action="retention.hold_lifted", target=case)


@transaction.atomic
def request_deletion(*, case: Case) -> None:
    """Her request, from her follow-up page; asking twice changes nothing."""
    _request, created = DeletionRequest.objects.get_or_create(case=case)
    if created:
        record(actor=None, action="retention.deletion_requested", target=case)


@transaction.atomic
def deletion_requested_under_duress(*, case: Case) -> None:
    """Asked from a visit opened with her duress code: nothing is deleted. Her case is flagged for
    her caseworker (entering the code already did so) and the log says what was asked under it."""
    if not case.duress_suspected:
        case_services.mark_duress_suspected(case=case)
    record(actor=None, action="retention.deletion_requested_under_duress", target=case)


@transaction.atomic
def confirm_deletion(*, case: Case, by: User) -> None:
    """A supervisor of the case's organisation confirms her request: the case is shredded now."""
    if not by.has_role(Role.SUPERVISOR) or by.organisation_id != case.organisation_id:
        raise RetentionRefused(_("Only a supervisor of the organisation that holds the case can confirm this."))
    if not DeletionRequest.objects.filter(case=case).exists():
        raise RetentionRefused(_("She has not asked for this case to be deleted."))
    shred_case(case=case, by=by, why=SHRED_ON_REQUEST)


@transaction.atomic
def shred_case(*, case: Case, by: User | None, why: str) -> None:
    """Destroy a case for good: its keys, rows and files, and her codes with them.

    Steps: lock the case and refuse it under a legal hold; gather its lockers (its own and each
    referral's), its survivor key and stored files; delete the case (its rows follow by cascade,
    her receipt and duress codes with them); have the vault destroy the lockers, the survivor key
    and the files; write one audit entry that says it happened and why, never what it held.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if LegalHold.objects.filter(case=case).exists():
        raise RetentionRefused(_("This case is on legal hold and cannot be deleted until the hold is lifted."))
    locker_ids = [
        case.identity_locker_id,
        case.incident_locker_id,
        case.evidence_locker_id,
        case.care_locker_id,
        case.messages_locker_id,
        *Referral.objects.filter(case=case).values_list("exchange_locker_id", flat=True),
    ]
    survivor_key_ids = list(SurvivorAccess.objects.filter(case=case).values_list("survivor_key_id", flat=True))
    stored_files = list(EvidenceFile.objects.filter(case=case).values_list("stored_name", flat=True))
    case_id = case.pk
    case.delete()
    case_services.recount_caseloads([case.assigned_to_id])
    vault.destroy(locker_ids=locker_ids, survivor_key_ids=survivor_key_ids, stored_files=stored_files)
    record(actor=by, action=why, object_type="cases.case", object_id=str(case_id))
    transaction.on_commit(_checkpoint_sqlite_log)


def _checkpoint_sqlite_log() -> None:
    """On SQLite in WAL mode, copy the log into the database file (where secure_delete overwrote the
    shredded rows) and empty it, so the old pages do not linger in the -wal file."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day where needed)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=moment.tzinfo)
    last_day = (following - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def expired_cases(organisation: Organisation, now: datetime) -> list[Case]:
    """Closed cases of one organisation whose retention period ended, holds left out.

    A case is counted closed from its last approved closure (or its last change, for a case closed
    another way); a reopened and closed-again case starts counting again.
    """
    cutoff = months_before(now, retention_months(organisation))
    closed_at = Coalesce(
        Max("closure_requests__decided_at", filter=Q(closure_requests__decision=ClosureDecision.APPROVED)),
        "updated_at",
    )
    return list(
        Case.objects.filter(organisation=organisation, status=Status.CLOSED)
        .exclude(Exists(LegalHold.objects.filter(case=OuterRef("pk"))))
        .annotate(closed_at=closed_at)
        .filter(closed_at__lt=cutoff)
        .only("pk")
    )


def expire_closed_cases(*, now: datetime | None = None) -> int:
    """Shred every case whose retention period ended; return how many. Each case in its own transaction."""
    now = now or timezone.now()
    shredded = 0
    for organisation in Organisation.objects.all():
        for case in expired_cases(organisation, now):
            shred_case(case=case, by=None, why=SHRED_AT_RETENTION_END)
            shredded += 1
    return shredded
