"""The one schedule of periodic jobs: what runs, how often, and the function it calls.

Every job is an ordinary function of the app that owns the work, returning a short summary; the
task in amana.operations.tasks runs it and records its outcome in JobState.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class Skipped(Exception):
    """The job cannot run until the admin sets something up; the message says what."""


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    title: Promise
    run: Callable[[], str]

    @property
    def every_text(self) -> str:
        minutes = int(self.every.total_seconds() // 60)
        if minutes % (24 * 60) == 0:
            days = minutes // (24 * 60)
            return ngettext("Every %(count)d day", "Every %(count)d days", days) % {"count": days}
        if minutes % 60 == 0:
            hours = minutes // 60
            return ngettext("Every %(count)d hour", "Every %(count)d hours", hours) % {"count": hours}
        return ngettext("Every %(count)d minute", "Every %(count)d minutes", minutes) % {"count": minutes}


def _forget_idle_visits() -> str:
    from amana.channel.survivor_session import forget_idle_visits

    return f"{forget_idle_visits()} idle visits forgotten"


def _forget_stale_intake_drafts() -> str:
    from amana.channel.intake_drafts import forget_stale_drafts

    return f"{forget_stale_drafts()} stale intake drafts deleted"


def _referrals_and_overrides() -> str:
    from amana.referrals.services import end_overrides_due, expire_due, warn_overrides_ending

    warned = warn_overrides_ending()
    ended = end_overrides_due()
    expired = expire_due()
    return f"{warned} override warnings, {ended} overrides ended, {expired} referrals expired"


def _retention() -> str:
    from amana.retention.services import expire_closed_cases

    return f"{expire_closed_cases()} cases shredded"


def _child_consents() -> str:
    from amana.cases.services import take_back_unconfirmed_child_sharing

    return f"{take_back_unconfirmed_child_sharing()} girls' sharing taken back until an adult agrees"


def _follow_up_reminders() -> str:
    from amana.cases.services import remind_overdue_follow_ups

    return f"{remind_overdue_follow_ups()} reminders sent"


def _audit_checkpoint() -> str:
    from amana.audit.services import take_checkpoint

    checkpoint = take_checkpoint()
    return f"checkpoint at {checkpoint.seq} entries"


def _statistics_releases() -> str:
    from amana.insights.services import make_due_releases

    return f"{len(make_due_releases())} monthly releases made or already there"


def _backup() -> str:
    from amana.operations.backups import make_backup

    if not settings.AMANA_BACKUP_PUBLIC_KEY:
        raise Skipped("no backup key is set: run 'manage.py backup_keys' once")
    made = make_backup()
    return f"{made.path.name} written"


SCHEDULE: list[Job] = [
    Job("forget_idle_visits", timedelta(minutes=5), _("Forget idle survivor visits"), _forget_idle_visits),
    Job(
        "forget_stale_intake_drafts",
        timedelta(hours=1),
        _("Delete unfinished reports left unused"),
        _forget_stale_intake_drafts,
    ),
    Job(
        "referrals_and_overrides",
        timedelta(hours=1),
        _("End expired referrals and emergency overrides"),
        _referrals_and_overrides,
    ),
    Job(
        "child_consents",
        timedelta(hours=1),
        _("Take back sharing that girls under 15 chose without an adult's consent"),
        _child_consents,
    ),
    Job("follow_up_reminders", timedelta(hours=1), _("Remind caseworkers of overdue follow-ups"), _follow_up_reminders),
    Job("audit_checkpoint", timedelta(hours=1), _("Checkpoint the audit log"), _audit_checkpoint),
    Job("retention", timedelta(days=1), _("Shred cases whose retention period ended"), _retention),
    Job(
        "statistics_releases",
        timedelta(days=1),
        _("Release the figures of each closed month"),
        _statistics_releases,
    ),
    Job("backup", timedelta(days=1), _("Encrypted backup"), _backup),
]
JOBS = {job.name: job for job in SCHEDULE}
