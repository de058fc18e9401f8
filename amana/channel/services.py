"""Writes of the survivor channel: reports, receipt and duress codes, and the guessing throttle."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from amana.accounts.models import Organisation, OrganisationKind, User
from amana.audit.services import record
from amana.cases import services as cases
from amana.cases.models import Case
from amana.channel.models import GuessThrottle, SurvivorAccess
from amana.channel.selectors import ACCESS_RELATED
from amana.vault import services as vault

CODE_DIGITS = 16
GLOBAL_BUCKET = "global"
# 16 bits of the keyed client hash: about 65,000 buckets, each shared by tens of thousands of
# addresses, so a bucket throttles one client without identifying any.
CLIENT_BUCKET_HEX = 4


class NoReceivingOrganisation(Exception):
    """No protection NGO is set up to receive reports from the site."""


class AlreadySubmitted(Exception):
    """The same report form was sent twice; the first send made the case."""


def receiving_organisation() -> Organisation:
    """The NGO that receives reports from the site: AMANA_CHANNEL_ORGANISATION, else the first NGO."""
    ngos = Organisation.objects.filter(kind=OrganisationKind.NGO)
    if settings.AMANA_CHANNEL_ORGANISATION:
        ngos = ngos.filter(name=settings.AMANA_CHANNEL_ORGANISATION)
    organisation = ngos.order_by("created_at", "pk").first()
    if organisation is None:
        raise NoReceivingOrganisation
    return organisation


# Receipt codes ------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def format_code(code: str) -> str:
    """Grouped in fours like a long phone number, so she can save it as a contact."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def hash_code(code: str) -> str:
    """The keyed, slow hash a code is looked up by (see ``vault.receipt_code_hash``)."""
    return vault.receipt_code_hash(code)


def _submission_hash(token: str) -> str:
    return vault.submission_hash(token)


def already_submitted(token: str) -> bool:
    return SurvivorAccess.objects.filter(submission_hash=_submission_hash(token)).exists()


def _unused_code() -> tuple[str, str]:
    while True:
        code = new_code()
        code_hash = hash_code(code)
        if not SurvivorAccess.objects.filter(Q(code_hash=code_hash) | Q(duress_hash=code_hash)).exists():
            return code, code_hash


@dataclass(frozen=True)
class Submitted:
    case: Case
    code: str


def submit_report(
    *,
    report: cases.Report,
    organisation: Organisation,
    channel: str,
    recorded_by: User | None,
    submission_token: str,
    files: Iterable[cases.UploadedEvidence] = (),
) -> Submitted:
    """Make the case of one report and the receipt code she follows it with (returned once).

    Steps: refuse a form already sent, pick an unused code, derive her survivor key from it, create
    the sealed case, store the code only as a slow hash. A second send of the same form, even at the
    same moment, raises AlreadySubmitted and creates nothing.
    """
    submission_hash = _submission_hash(submission_token)
    if already_submitted(submission_token):
        raise AlreadySubmitted
    code, code_hash = _unused_code()
    # Derived before the transaction: on SQLite a write transaction holds the whole database's lock.
    survivor_key = vault.new_survivor_key(secret=code)
    try:
        with transaction.atomic():
            survivor_key.save()
            case = cases.create_case_from_report(
                report=report,
                organisation=organisation,
                channel=channel,
                recorded_by=recorded_by,
                survivor_key=survivor_key,
                files=files,
            )
            SurvivorAccess.objects.create(
                case=case, code_hash=code_hash, survivor_key=survivor_key, submission_hash=submission_hash
            )
    except IntegrityError:
        if SurvivorAccess.objects.filter(submission_hash=submission_hash).exists():
            raise AlreadySubmitted from None
        raise
    return Submitted(case=case, code=code)


@dataclass(frozen=True)
class Found:
    access: SurvivorAccess
    duress: bool


def find_by_code(code: str) -> Found | None:
    code_hash = hash_code(code)
    access = (
        SurvivorAccess.objects.select_related(*ACCESS_RELATED)
        .filter(Q(code_hash=code_hash) | Q(duress_hash=code_hash))
        .first()
    )
    if access is None:
        return None
    return Found(access=access, duress=access.duress_hash == code_hash)


@transaction.atomic
def set_duress_code(*, access: SurvivorAccess) -> str:
    """Give her a new duress code (replacing any earlier one); returned once, stored as a hash."""
    code, code_hash = _unused_code()
    access.duress_hash = code_hash
    access.save(update_fields=["duress_hash"])
    record(actor=None, action="channel.duress_code_set", target=access.case)
    return code


@transaction.atomic
def remove_duress_code(*, access: SurvivorAccess) -> None:
    access.duress_hash = None
    access.save(update_fields=["duress_hash"])
    record(actor=None, action="channel.duress_code_removed", target=access.case)


@transaction.atomic
def duress_code_used(*, access: SurvivorAccess) -> None:
    cases.mark_duress_suspected(case=access.case)


# Guessing throttle --------------------------------------------------------------------------


def _window() -> tuple[int, timedelta]:
    seconds = settings.AMANA_CODE_WINDOW_SECONDS
    return int(timezone.now().timestamp()) // seconds, timedelta(seconds=seconds)


def client_bucket(client_address: str) -> str:
    """The client's bucket for the current window; the address itself is never kept."""
    window_index, _length = _window()
    digest = vault.guess_bucket_hash(window_index, client_address)
    return f"client:{digest[:CLIENT_BUCKET_HEX]}"


def _limits(client_address: str) -> list[tuple[str, int]]:
    return [
        (client_bucket(client_address), settings.AMANA_CODE_MAX_FAILURES_PER_CLIENT),
        (GLOBAL_BUCKET, settings.AMANA_CODE_MAX_FAILURES_GLOBAL),
    ]


def guess_allowed(client_address: str) -> bool:
    """False while this client's bucket, or everyone together, has used up the wrong guesses."""
    window_start = timezone.now() - _window()[1]
    limits = _limits(client_address)
    counts = dict(
        GuessThrottle.objects.filter(
            bucket__in=[bucket for bucket, _limit in limits], window_started_at__gt=window_start
        ).values_list("bucket", "failures")
    )
    return all(counts.get(bucket, 0) < limit for bucket, limit in limits)


@transaction.atomic
def note_wrong_guess(client_address: str) -> None:
    """Count one wrong code for the client's bucket and for everyone; forget finished windows."""
    now = timezone.now()
    window_start = now - _window()[1]
    GuessThrottle.objects.filter(window_started_at__lte=window_start).delete()
    for bucket, _limit in _limits(client_address):
        throttle, created = GuessThrottle.objects.select_for_update().get_or_create(
            bucket=bucket, defaults={"window_started_at": now, "failures": 1}
        )
        if not created:
            GuessThrottle.objects.filter(pk=throttle.pk).update(failures=F("failures") + 1)
