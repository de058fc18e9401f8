"""What the survivor's visit keeps, and only in the server-side session (never in a cookie).

The draft holds what she typed on each step, valid or not, so that nothing is lost on an error or
when she goes back. It is dropped when she sends the report, when she leaves with quick exit, and
after a while without activity, so that a phone left open does not show it to the next person.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import QueryDict
from django.utils import timezone

from amana.vault import services as vault
from amana.vault.keyring import SURVIVOR_SESSION_KEY
from amana.vault.models import SealedSession
from amana.vault.sessions import IDLE_SECONDS_KEY

DRAFT = "amana_draft"
FOLLOW_UP = "amana_follow_up"
SHOW_ONCE = "amana_show_once"
SEEN = "amana_seen"
# She followed the neutral first screen's link: the page behind it is hers for this visit only.
READING = "amana_reading"
SURVIVOR_KEYS = (DRAFT, FOLLOW_UP, SHOW_ONCE, SEEN, READING, SURVIVOR_SESSION_KEY)
# Writing the last-seen time at most once a minute keeps ordinary requests from saving the session
# (a double-sent form must not overwrite what the first send stored).
SEEN_RESOLUTION = 60


def forget_idle_visits() -> int:
    """Delete stored sessions past their expiry; returns how many.

    A survivor's visit asks the session store to expire it after the idle limit (see
    forget_when_idle), so a phone closed mid-report leaves nothing behind for longer than that;
    the stored row is encrypted under her cookie in any case. Run it every few minutes.
    """
    expired = SealedSession.objects.filter(expire_date__lte=timezone.now())
    count = expired.count()
    expired.delete()
    return count


def _idle_seconds(session: SessionBase) -> int:
    # Reading replies ends sooner than writing a report: what she read must not wait for the next
    # person to pick up the phone.
    if FOLLOW_UP in session:
        return int(settings.AMANA_FOLLOW_UP_IDLE_SECONDS)
    return int(settings.AMANA_SURVIVOR_IDLE_SECONDS)


def forget_when_idle(session: SessionBase) -> None:
    """Drop everything of her visit after the idle time; refresh the last-seen time now and then.

    The stored session row is also set to expire after the idle time, and its cookie ends with the
    browser session, so a visit ends whichever comes first.
    """
    now = int(time.time())
    seen = session.get(SEEN)
    idle = _idle_seconds(session)
    if seen is not None and now - seen > idle:
        for key in SURVIVOR_KEYS:
            session.pop(key, None)
        seen = None
    if seen is None or now - seen >= min(SEEN_RESOLUTION, idle // 5) or session.get(IDLE_SECONDS_KEY) != idle:
        session[SEEN] = now
        session[IDLE_SECONDS_KEY] = idle


def start_reading(session: SessionBase) -> None:
    session[READING] = True


def reading(session: SessionBase) -> bool:
    return bool(session.get(READING))


def end_visit(session: SessionBase) -> None:
    """Forget the whole visit now (quick exit, "end this visit"): nothing she read can come back."""
    session.flush()


class Draft:
    """The report being written: each step's raw answers and which steps are complete."""

    @staticmethod
    def live(session: SessionBase) -> bool:
        """Whether a report is being written in this visit (it starts on the first step)."""
        return DRAFT in session

    def __init__(self, session: SessionBase) -> None:
        self.session = session
        stored = session.get(DRAFT) or {}
        self.raw: dict[str, dict[str, list[str]]] = stored.get("raw", {})
        self.answers: dict[str, dict[str, Any]] = stored.get("answers", {})
        self.token: str = stored.get("token") or vault.new_token()

    def save(self) -> None:
        self.session[DRAFT] = {"raw": self.raw, "answers": self.answers, "token": self.token}

    def keep_typed(
        self, step: int, data: QueryDict, *, fields: Collection[str] | None = None, pressed: bool = True
    ) -> None:
        """Keep what she typed on a step, whether or not it is complete yet: only the step's own
        `fields` (and the button she pressed, unless the step was not sent) when the form holds
        several steps."""
        buttons = ("next", "back") if pressed else ()
        self.raw[str(step)] = {
            key: data.getlist(key)
            for key in data
            if key != "csrfmiddlewaretoken" and (fields is None or key in fields or key in buttons)
        }
        self.save()

    def typed(self, step: int) -> QueryDict | None:
        raw = self.raw.get(str(step))
        if raw is None:
            return None
        data = QueryDict(mutable=True)
        for key, values in raw.items():
            data.setlist(key, values)
        return data

    def initial(self, step: int, form_class: type[forms.Form]) -> dict[str, Any]:
        """What was typed on a step before, as the form's starting values (no error shown until it
        is sent again)."""
        typed = self.typed(step)
        initial: dict[str, Any] = {}
        for name, form_field in form_class.base_fields.items():
            values = typed.getlist(name) if typed is not None else []
            if values:
                initial[name] = values if isinstance(form_field, forms.MultipleChoiceField) else values[0]
        return initial

    def complete(self, step: int, answers: dict[str, Any]) -> None:
        self.answers[str(step)] = answers
        self.save()

    def incomplete(self, step: int) -> None:
        self.answers.pop(str(step), None)
        self.save()

    def first_incomplete(self, steps: int) -> int | None:
        return next((step for step in range(1, steps + 1) if str(step) not in self.answers), None)

    def all_answers(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for answers in self.answers.values():
            merged.update(answers)
        return merged

    @property
    def urgent(self) -> bool:
        return "yes" in (self._about.get("danger_now"), self._about.get("self_harm"))

    @property
    def district(self) -> str:
        return str(self._about.get("district", ""))

    @property
    def _about(self) -> dict[str, Any]:
        """The first step's answers: who she is asking for, danger, where she lives, her age."""
        return self.answers.get("1") or {}

    def discard(self) -> None:
        self.session.pop(DRAFT, None)


@dataclass(frozen=True)
class SentMessage:
    """A message as the conversation shows it (the shape of cases.selectors.OpenMessage)."""

    sender: str
    author_name: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class FollowUp:
    """Who came back with a code: the case's access row, and whether the code was the duress code.

    Under the duress code, what she sends and chooses in this visit is kept here (and only here),
    so the page shows it back exactly as the real page would.
    """

    access_id: int
    duress: bool
    sent: list[SentMessage] = field(default_factory=list)
    choices: list[str] | None = None
    deletion_requested: bool = False


def start_follow_up(session: SessionBase, *, access_id: int, keyring: vault.Keyring | None, duress: bool) -> None:
    """Remember for this visit which case she opened and the key her code unlocked.

    The code itself is not kept, and under duress nothing that opens her case is kept at all.
    """
    # A fresh session: nothing from before the code was entered carries over.
    session.flush()
    session[FOLLOW_UP] = {"access": access_id, "duress": duress, "sent": [], "choices": None}
    if keyring is not None and not duress:
        vault.remember_survivor_keyring(session, keyring)
    forget_when_idle(session)


def has_follow_up(request: Any) -> bool:
    """Whether this request belongs to a visit that entered a code (read from the session only)."""
    return FOLLOW_UP in request.session


def follow_up(session: SessionBase) -> FollowUp | None:
    data = session.get(FOLLOW_UP)
    if not data:
        return None
    sent = [
        SentMessage(sender="survivor", author_name="", body=body, created_at=datetime.fromisoformat(at))
        for body, at in data.get("sent", [])
    ]
    return FollowUp(
        access_id=int(data["access"]),
        duress=bool(data["duress"]),
        sent=sent,
        choices=data.get("choices"),
        deletion_requested=bool(data.get("deletion_requested")),
    )


def keep_sent_under_duress(session: SessionBase, *, body: str, at: datetime) -> None:
    """Show a message sent under the duress code in this visit's conversation."""
    data = session[FOLLOW_UP]
    session[FOLLOW_UP] = {**data, "sent": [*data.get("sent", []), [body, at.isoformat()]]}


def keep_choices_under_duress(session: SessionBase, choices: list[str]) -> None:
    """Show the choices saved under the duress code in this visit (they change nothing)."""
    session[FOLLOW_UP] = {**session[FOLLOW_UP], "choices": choices}


def keep_deletion_request_under_duress(session: SessionBase) -> None:
    """Show her request to delete, made under the duress code, as requested for the rest of this visit."""
    session[FOLLOW_UP] = {**session[FOLLOW_UP], "deletion_requested": True}


def show_once(session: SessionBase, value: dict[str, Any]) -> None:
    session[SHOW_ONCE] = value


def take_shown_once(session: SessionBase) -> dict[str, Any] | None:
    value: dict[str, Any] | None = session.pop(SHOW_ONCE, None)
    return value
