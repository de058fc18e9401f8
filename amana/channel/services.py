"""Writes of the survivor channel: reports, receipt and second codes, and the guessing throttle."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from amana.accounts.models import FirstScreen, Organisation, OrganisationKind, User
from amana.audit.services import record
from amana.cases import services as cases
from amana.cases.models import Case
from amana.channel.models import GuessThrottle, SurvivorAccess
from amana.channel.selectors import ACCESS_RELATED
from amana.vault import services as vault
from amana.vault.services import CodeSecrets, Keyring

# Twenty digits, grouped in fours like a long phone number. With 10,000 live codes, a guesser
# who gets a code checked 300 times a second needs a million years on average (see
# docs/threat-model.md, "Guessing a receipt code").
CODE_DIGITS = 20
GLOBAL_BUCKET = "global"
# 16 bits of the keyed client hash: about 65,000 buckets, each shared by tens of thousands of
# addresses, so a bucket slows one client down without identifying any.
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


def first_screen() -> str:
    """What the public home page shows first: the receiving NGO's choice, today's page without one."""
    try:
        return receiving_organisation().first_screen
    except NoReceivingOrganisation:
        return FirstScreen.EXPLICIT


# Receipt codes ------------------------------------------------------------------------------


def format_code(code: str) -> str:
    """Grouped in fours like a long phone number, so she can save it as a contact."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def already_submitted(token: str) -> bool:
    return SurvivorAccess.objects.filter(submission_hash=vault.submission_hash(token)).exists()


def _code_in_use(lookup: str) -> bool:
    return SurvivorAccess.objects.filter(Q(code_hash=lookup) | Q(duress_hash=lookup)).exists()


@dataclass(frozen=True)
class NewCode:
    """A fresh, unused code and what its one derivation gave; the code is shown to her once."""

    code: str
    secrets: CodeSecrets


def new_unused_code() -> NewCode:
    """Pick a code no report uses yet. One key derivation (a second only on a collision, which at
    twenty digits does not happen in practice); call it outside any database transaction."""
    while True:
        code = vault.new_code(CODE_DIGITS)
        code_secrets = vault.derive_code_secrets(code)
        if not _code_in_use(code_secrets.lookup):
            return NewCode(code=code, secrets=code_secrets)


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
    receipt: NewCode | None = None,
) -> Submitted:
    """Make the case of one report and the receipt code she follows it with (returned once).

    Steps: refuse a form already sent; take the receipt code (derived before, outside the
    transaction, when the caller passes it); in one short transaction create her survivor key,
    the sealed case and the access row that stores the code only as its lookup value. A second
    send of the same form, even at the same moment, raises AlreadySubmitted and creates nothing.
    """
    submission_hash = vault.submission_hash(submission_token)
    if already_submitted(submission_token):
        raise AlreadySubmitted
    receipt = receipt or new_unused_code()
    try:
        with transaction.atomic():
            survivor_key = vault.new_survivor_key(receipt.secrets)
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
                case=case,
                code_hash=receipt.secrets.lookup,
                survivor_key=survivor_key,
                submission_hash=submission_hash,
            )
    except IntegrityError:
        if SurvivorAccess.objects.filter(submission_hash=submission_hash).exists():
            raise AlreadySubmitted from None
        raise
    return Submitted(case=case, code=receipt.code)


@dataclass(frozen=True)
class Found:
    """A code that opened: the access row, whether it was the second (duress) code, and, for her
    real code, the keyring it unlocked."""

    access: SurvivorAccess
    duress: bool
    keyring: Keyring | None


def _find(code_secrets: CodeSecrets) -> Found | None:
    lookup = code_secrets.lookup
    access = (
        SurvivorAccess.objects.select_related(*ACCESS_RELATED)
        .filter(Q(code_hash=lookup) | Q(duress_hash=lookup))
        .first()
    )
    if access is None:
        return None
    if access.duress_hash == lookup:
        # The same work as opening her key (it does not fit), so both codes take the same time.
        vault.tries_key(access.survivor_key, code_secrets)
        return Found(access=access, duress=True, keyring=None)
    return Found(access=access, duress=False, keyring=vault.open_survivor_key(access.survivor_key, code_secrets))


def find_by_code(code: str) -> Found | None:
    """The report a code opens, with one key derivation; None for a wrong code (nothing counted)."""
    return _find(vault.derive_code_secrets(code))


def check_code(code: str, *, client_address: str) -> Found | None:
    """Check a code typed on the site; a right code always opens, whatever others have tried.

    Steps: wait the client's delay (none for a client with few wrong codes, see code_check_delay),
    derive and look the code up, and count it only when it is wrong. Nothing here holds a database
    transaction while it waits or derives.
    """
    delay = code_check_delay(client_address)
    if delay:
        time.sleep(delay)
    found = find_by_code(code)
    if found is None:
        note_wrong_guess(client_address)
    return found


def new_duress_code() -> NewCode:
    """A second code, derived outside any transaction; set_duress_code stores it."""
    return new_unused_code()


@transaction.atomic
def set_duress_code(*, access: SurvivorAccess, duress: NewCode) -> None:
    """Give her a second code (replacing any earlier one), stored only as its lookup value."""
    access.duress_hash = duress.secrets.lookup
    access.save(update_fields=["duress_hash"])
    record(actor=None, action="channel.duress_code_set", target=access.case)


@transaction.atomic
def remove_duress_code(*, access: SurvivorAccess) -> None:
    access.duress_hash = None
    access.save(update_fields=["duress_hash"])
    record(actor=None, action="channel.duress_code_removed", target=access.case)


@transaction.atomic
def duress_code_used(*, access: SurvivorAccess) -> None:
    cases.mark_duress_suspected(case=access.case)


# Guessing throttle --------------------------------------------------------------------------
# Only wrong codes are counted, and only after the code was checked: no count ever refuses a
# right code. A client (a bucket of addresses) that keeps sending wrong codes waits longer and
# longer before its next code is checked; while wrong codes flood in from everywhere, every check
# waits a little, which a person typing twenty digits does not notice and a guesser pays each time.


def _window() -> tuple[int, timedelta]:
    seconds = settings.AMANA_CODE_WINDOW_SECONDS
    return int(timezone.now().timestamp()) // seconds, timedelta(seconds=seconds)


def client_bucket(client_address: str) -> str:
    """The client's bucket for the current window; the address itself is never kept."""
    window_index, _length = _window()
    return f"client:{vault.guess_bucket(window_index, client_address, CLIENT_BUCKET_HEX)}"


def _failures(client_address: str) -> tuple[int, int]:
    """Wrong codes in the current window: (this client's bucket, everyone)."""
    window_start = timezone.now() - _window()[1]
    current = GuessThrottle.objects.filter(window_started_at__gt=window_start)
    bucket = client_bucket(client_address)
    mine = current.filter(bucket=bucket).aggregate(total=Sum("failures"))["total"] or 0
    everyone = current.filter(bucket=GLOBAL_BUCKET).aggregate(total=Sum("failures"))["total"] or 0
    return mine, everyone


def code_check_delay(client_address: str) -> float:
    """Seconds to wait before checking this client's next code.

    None for the first AMANA_CODE_FREE_FAILURES wrong codes of a client in a window; then one
    second, doubling with each further wrong code, up to AMANA_CODE_MAX_DELAY_SECONDS. While
    everyone together has sent AMANA_CODE_FLOOD_FAILURES wrong codes in the window, every check
    also waits AMANA_CODE_FLOOD_DELAY_SECONDS.
    """
    mine, everyone = _failures(client_address)
    extra = mine - settings.AMANA_CODE_FREE_FAILURES
    delay = 0.0 if extra < 1 else min(float(settings.AMANA_CODE_MAX_DELAY_SECONDS), 2.0 ** (extra - 1))
    if everyone >= settings.AMANA_CODE_FLOOD_FAILURES:
        delay += settings.AMANA_CODE_FLOOD_DELAY_SECONDS
    return delay


@transaction.atomic
def note_wrong_guess(client_address: str) -> None:
    """Count one wrong code for the client's bucket and for everyone; forget finished windows."""
    now = timezone.now()
    window_start = now - _window()[1]
    GuessThrottle.objects.filter(window_started_at__lte=window_start).delete()
    for bucket in (client_bucket(client_address), GLOBAL_BUCKET):
        throttle, created = GuessThrottle.objects.select_for_update().get_or_create(
            bucket=bucket, defaults={"window_started_at": now, "failures": 1}
        )
        if not created:
            GuessThrottle.objects.filter(pk=throttle.pk).update(failures=F("failures") + 1)
