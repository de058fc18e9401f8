from __future__ import annotations

from amana.accounts.demo import create_demo_data
from amana.community import selectors
from amana.community.models import ActionPoint, Activity, Forum, MentorshipSession, PeaceTeam


def test_the_demo_has_forums_a_scored_training_and_a_peace_team(db, settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    create_demo_data()
    assert Forum.objects.count() == 2
    assert ActionPoint.objects.filter(status="done", reviews__isnull=False).count() == 1
    summary = selectors.score_summary(Activity.objects.get())
    assert summary is not None and summary.gain > 0
    team = PeaceTeam.objects.get()
    assert team.members.count() == 2 and MentorshipSession.objects.filter(team=team).exists()
    assert all("(demo)" in forum.facilitator for forum in Forum.objects.all())
