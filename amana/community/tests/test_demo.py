from __future__ import annotations

from amana.accounts.demo import create_demo_data
from amana.community import selectors
from amana.community.models import ActionPoint, Activity, Forum, MentorshipSession, PeaceTeam


def test_the_demo_programme_spans_the_year_with_followed_action_points(db, settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    create_demo_data()
    team = PeaceTeam.objects.get()
    assert Forum.objects.filter(organisation=team.programme).count() == 4
    assert Forum.objects.filter(organisation=team.organisation).count() == 1
    # Each quarterly forum's action points are reviewed and done at the next one.
    assert ActionPoint.objects.filter(status="done", reviews__isnull=False).count() == 6
    months = {forum.held_on.replace(day=1) for forum in Forum.objects.all()}
    months |= {activity.held_on.replace(day=1) for activity in Activity.objects.all()}
    assert len(months) >= 9
    for training in Activity.objects.filter(kind="training"):
        summary = selectors.score_summary(training)
        assert summary is not None and summary.gain > 0
    assert team.members.count() == 3 and MentorshipSession.objects.filter(team=team).count() == 3
    assert all("(demo)" in forum.facilitator for forum in Forum.objects.all())
