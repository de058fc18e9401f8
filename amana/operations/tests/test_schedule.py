"""The schedule queues each periodic job when due; the worker (the real database backend) runs it and
the system admin sees when and how it ended."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from amana.cases import services as case_services
from amana.cases.models import Case, Notification, NotificationKind
from amana.channel.tests.conftest import make_case
from amana.insights.models import Release
from amana.operations.models import JobState, Outcome
from amana.operations.schedule import SCHEDULE
from amana.operations.services import enqueue_due
from amana.retention.tests.test_retention import closed_case
from amana.vault.backups import new_backup_key_pair

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def outcomes() -> dict[str, tuple[str, str]]:
    return {state.name: (state.outcome, state.detail) for state in JobState.objects.all()}


def test_every_job_is_queued_once_per_interval(personas) -> None:
    assert enqueue_due() == [job.name for job in SCHEDULE]
    assert enqueue_due() == []
    later = timezone.now() + timedelta(minutes=6)
    assert enqueue_due(now=later) == ["forget_idle_visits"]


def test_the_worker_runs_the_jobs_and_records_how_they_ended(personas, settings, tmp_path) -> None:
    settings.AMANA_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.AMANA_BACKUP_PUBLIC_KEY = new_backup_key_pair()[0]
    old, _code = closed_case(personas, months_ago=30)
    enqueue_due()
    run_worker()
    results = outcomes()
    assert {name: outcome for name, (outcome, _detail) in results.items()} == {
        job.name: Outcome.SUCCEEDED for job in SCHEDULE
    }
    assert results["retention"][1] == "1 cases shredded"
    assert not Case.objects.filter(pk=old.pk).exists()
    # The case closed 30 months ago was reported in a month that is now released, frozen.
    assert Release.objects.filter(organisation=personas.ngo).exists()
    assert len(list((tmp_path / "backups").iterdir())) == 1
    assert list(settings.AMANA_CHECKPOINT_DIR.glob("checkpoint-*.json"))


def test_a_job_not_possible_yet_says_what_is_missing(personas, login, settings) -> None:
    settings.AMANA_BACKUP_PUBLIC_KEY = ""
    enqueue_due()
    run_worker()
    outcome, detail = outcomes()["backup"]
    assert outcome == Outcome.SKIPPED
    assert "backup_keys" in detail
    page = login(personas.system_admin).get("/staff/operations/").content.decode()
    assert "نسخة احتياطية مشفّرة" in page
    assert "غير ممكنة بعد" in page


def test_a_failing_job_is_shown_as_failed_with_its_reason(personas, login, settings) -> None:
    settings.AMANA_BACKUP_PUBLIC_KEY = "not a key"
    enqueue_due()
    run_worker()
    outcome, detail = outcomes()["backup"]
    assert outcome == Outcome.FAILED
    assert detail == "ImproperlyConfigured: AMANA_BACKUP_PUBLIC_KEY must be 64 hexadecimal digits."
    assert "فشلت" in login(personas.system_admin).get("/staff/operations/").content.decode()


def test_only_the_system_admin_sees_the_jobs(personas, login) -> None:
    for name in ["caseworker", "supervisor", "org_admin", "me_officer", "cpt_member", "liaison", "provider_staff"]:
        assert login(getattr(personas, name)).get("/staff/operations/").status_code == 403, name
    assert login(personas.system_admin).get("/staff/operations/").status_code == 200


def test_overdue_follow_ups_are_reminded_once(personas) -> None:
    case, _code = make_case(personas.ngo)
    case_services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    plan = case_services.FollowUpPlan(due_at=timezone.now() + timedelta(hours=1), channel="call")
    follow_up = case_services.schedule_follow_up(case=case, plan=plan, by=personas.caseworker)
    assert case_services.remind_overdue_follow_ups() == 0
    follow_up.__class__.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert case_services.remind_overdue_follow_ups() == 1
    assert case_services.remind_overdue_follow_ups() == 0
    reminders = Notification.objects.filter(kind=NotificationKind.FOLLOW_UP_OVERDUE)
    assert [(n.recipient_id, n.case_id) for n in reminders] == [(personas.caseworker.pk, case.pk)]


def test_the_health_endpoint_answers_without_a_session(db, client) -> None:
    response = client.get("/health/", secure=False)
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "Set-Cookie" not in response.headers
