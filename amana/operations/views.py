"""The system admin's view of the periodic jobs, and the health endpoint the proxy and monitors call."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from amana.accounts.access import require_roles
from amana.accounts.models import Role
from amana.operations.models import JobState
from amana.operations.schedule import SCHEDULE


@require_GET
@require_roles(Role.SYSTEM_ADMIN)
def jobs(request: HttpRequest) -> HttpResponse:
    states = {state.name: state for state in JobState.objects.all()}
    rows = [(job, states.get(job.name)) for job in SCHEDULE]
    return render(request, "operations/jobs.html", {"rows": rows})


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the app answers and its database does; 503 otherwise. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
