"""The background tasks: one task runs any job of the schedule by name (see amana.operations.schedule)."""

from __future__ import annotations

from django_tasks import task

from amana.operations import services


@task()
def run_scheduled(name: str) -> str:
    return services.run_job(name)
