"""Queue the jobs that are due and run one, recording when and how it ended."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from amana.operations.models import JobState, Outcome
from amana.operations.schedule import JOBS, SCHEDULE, Skipped

logger = logging.getLogger("amana.operations")


def run_job(name: str) -> str:
    """Run one scheduled job now; its outcome and a one-line summary are kept in JobState.

    A failure is recorded and raised again, so the task backend records it as failed too; a job that
    is not possible yet (a backup without a backup key) is recorded as such and does not fail.
    """
    job = JOBS[name]
    JobState.objects.update_or_create(
        name=name, defaults={"started_at": timezone.now(), "outcome": Outcome.RUNNING, "detail": ""}
    )
    try:
        detail = job.run()
    except Skipped as skipped:
        JobState.objects.filter(name=name).update(
            finished_at=timezone.now(), outcome=Outcome.SKIPPED, detail=str(skipped)[:300]
        )
        logger.warning("Scheduled job %s was not possible: %s", name, skipped)
        return str(skipped)
    except Exception as error:
        first_line = (str(error).splitlines() or [""])[0]
        JobState.objects.filter(name=name).update(
            finished_at=timezone.now(), outcome=Outcome.FAILED, detail=f"{type(error).__name__}: {first_line}"[:300]
        )
        logger.exception("Scheduled job %s failed", name)
        raise
    JobState.objects.filter(name=name).update(
        finished_at=timezone.now(), outcome=Outcome.SUCCEEDED, detail=detail[:300]
    )
    return detail


def enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Queue every job whose interval has passed since it was last queued; return their names.

    Each job is claimed under a row lock in the same transaction as the task is queued (the database
    backend stores it there), so two schedulers never queue the same run twice.
    """
    from amana.operations.tasks import run_scheduled

    now = now or timezone.now()
    queued = []
    for job in SCHEDULE:
        with transaction.atomic():
            state, _created = JobState.objects.select_for_update().get_or_create(name=job.name)
            if state.queued_at is not None and now - state.queued_at < job.every:
                continue
            state.queued_at = now
            state.save(update_fields=["queued_at"])
            run_scheduled.enqueue(job.name)
            queued.append(job.name)
    return queued
