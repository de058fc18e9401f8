"""A report recorded by staff or a peace team one step at a time, kept as a sealed draft.

The answers of each step are sealed in the draft's own locker, held by the member's organisation,
so a copy of the database shows nothing of what was typed. Only the member who started a draft
opens it; it is deleted and its locker shredded when the report is recorded, when the member
discards it, or once it has lain unused for DRAFT_DAYS (a phone left somewhere keeps nothing).
The steps themselves are the survivor's steps (channel.forms.STEPS), kept by the same Draft.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amana.accounts.models import User
from amana.audit.services import record
from amana.channel.forms import STEPS
from amana.channel.models import IntakeDraft
from amana.channel.survivor_session import Draft
from amana.vault import services as vault
from amana.vault.services import Compartment, Keyring

DRAFT_DAYS = 7


class DraftGone(Exception):
    """The draft cannot be continued: the message (translated) says why, with the page status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _stale_before() -> Any:
    return timezone.now() - timedelta(days=DRAFT_DAYS)


def drafts_of(user: User) -> list[IntakeDraft]:
    """The member's own unfinished drafts, newest first (nothing is opened to list them)."""
    return list(IntakeDraft.objects.filter(recorded_by=user, updated_at__gte=_stale_before()))


def get_draft_for(user: User, draft_id: int) -> IntakeDraft:
    """The member's own draft; anyone else's, a sent or discarded one, or a stale one is refused
    with a message that says what to do (a stale one is deleted now)."""
    draft = IntakeDraft.objects.filter(pk=draft_id, recorded_by=user).select_related("locker").first()
    if draft is None:
        raise DraftGone(
            _(
                "This draft cannot be opened: it was already recorded or discarded, or another member "
                "started it. Your own unfinished drafts are listed on the page to record a report."
            ),
            404,
        )
    if draft.updated_at < _stale_before():
        discard(draft=draft, by=user, action="intake.draft_expired")
        raise DraftGone(
            ngettext(
                "This draft lay unused for more than %(days)d day, so it was deleted to keep her safe. "
                "Please record the report again.",
                "This draft lay unused for more than %(days)d days, so it was deleted to keep her safe. "
                "Please record the report again.",
                DRAFT_DAYS,
            )
            % {"days": DRAFT_DAYS},
            410,
        )
    return draft


@transaction.atomic
def start(*, user: User) -> IntakeDraft:
    """A new, empty draft sealed to the member's organisation."""
    locker = vault.create_locker(compartment=Compartment.INCIDENT, holders=[user.organisation])  # type: ignore[list-item]  # staff belong to one
    draft = IntakeDraft.objects.create(
        recorded_by=user, locker=locker, content_sealed=vault.seal(locker, "{}"), updated_at=timezone.now()
    )
    record(actor=user, action="intake.draft_started", target=draft)
    return draft


def open_steps(draft: IntakeDraft, *, keyring: Keyring) -> Draft:
    """The draft's steps, opened with the member's keyring (a VaultError when it cannot be)."""
    store = json.loads(vault.open_text(draft.locker, bytes(draft.content_sealed), keyring=keyring))
    return Draft(store)  # a plain dict stands in for the session


@transaction.atomic
def save_step(
    *, draft: IntakeDraft, steps: Draft, number: int, typed: QueryDict, answers: dict[str, Any] | None
) -> None:
    """Keep what was typed on one step (whether or not it is complete) and seal the draft again."""
    steps.keep_typed(number, typed)
    if answers is None:
        steps.incomplete(number)
    else:
        steps.complete(number, answers)
    draft.content_sealed = vault.seal(draft.locker, json.dumps(steps.session))
    draft.steps_answered = len([n for n in range(1, len(STEPS) + 1) if str(n) in steps.answers])
    draft.updated_at = timezone.now()
    draft.save(update_fields=["content_sealed", "steps_answered", "updated_at"])


@transaction.atomic
def discard(*, draft: IntakeDraft, by: User | None, action: str = "intake.draft_discarded") -> None:
    """Delete the draft and shred its locker: what was typed can never be opened again."""
    record(actor=by, action=action, target=draft)
    locker = draft.locker
    draft.delete()
    vault.shred(locker=locker, by=by, reason="intake draft ended")


def forget_stale_drafts() -> int:
    """Delete every draft unused for DRAFT_DAYS; returns how many. Run by the schedule."""
    stale = list(IntakeDraft.objects.filter(updated_at__lt=_stale_before()).select_related("locker"))
    for draft in stale:
        discard(draft=draft, by=None, action="intake.draft_expired")
    return len(stale)
