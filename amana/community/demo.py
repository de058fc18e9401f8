"""Fictional demo records of the community programme over the last twelve months, made through the
services like real ones: forums every quarter whose action points are followed at the next one,
trainings with scores before and after, awareness events, a peace team with members and mentorship,
and a forum the team recorded itself."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from amana.accounts.models import Organisation, User
from amana.community import services
from amana.community.models import ActionStatus, ActivityKind, Audience, Institution, Material, Topic


def _topics(*keys: str) -> list[Topic]:
    return list(Topic.objects.filter(key__in=keys))


def months_ago(count: int, day: int = 10) -> date:
    """A day of the month ``count`` months before this one."""
    first = timezone.localdate().replace(day=1)
    for _month in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
    return first.replace(day=day)


def _forums(officer: User) -> None:
    """A forum every quarter; each reviews the open action points of the one before."""
    police, security = Institution.objects.get(key="community_police"), Institution.objects.get(key="national_security")
    earlier: list = []
    for number, ago in enumerate((11, 8, 5, 2)):
        forum = services.create_forum(
            actor=officer,
            held_on=months_ago(ago, 5),
            place="Women's centre (example)",
            area="Qayyarah (example)",
            facilitator="Facilitator (demo)",
            institutions=[police, security],
            topics=_topics("types_of_extortion", "reporting_mechanisms"),
        )
        counts = {("female", "18_24"): 10 + 3 * number, ("female", "25_39"): 8 + 2 * number, ("male", "25_39"): 3}
        services.set_attendance(actor=officer, target=forum, counts=counts)
        services.add_concern(actor=officer, forum=forum, text="We do not know whom to call when someone threatens us.")
        for action_point in earlier:
            services.review_action_point(
                actor=officer,
                action_point=action_point,
                forum=forum,
                status=ActionStatus.DONE,
                note="Done, as reported by the owner (example).",
            )
        earlier = [
            services.add_action_point(
                actor=officer,
                forum=forum,
                text=f"Share the hotline cards in girls' schools, round {number + 1} (example).",
                owner=police,
                due_on=months_ago(ago - 2, 1),
            ),
            services.add_action_point(
                actor=officer,
                forum=forum,
                text=f"Explain anonymous reporting at the next forum, round {number + 1} (example).",
                owner=security,
                due_on=months_ago(ago - 2, 20),
            ),
        ]


def _activities(officer: User) -> None:
    """Trainings with knowledge scores that rise, and awareness events that hand out hotline cards."""
    young_women = list(Audience.objects.filter(key="young_women"))
    for number, ago in enumerate((10, 7, 4, 1)):
        training = services.create_activity(
            actor=officer,
            kind=ActivityKind.TRAINING,
            title=f"Types of extortion and reporting, group {number + 1} (demo)",
            held_on=months_ago(ago, 15),
            place="Community hall (example)",
            area="Qayyarah (example)",
            topics=_topics("types_of_extortion", "reporting_mechanisms"),
            audiences=young_women,
            max_score=10,
        )
        services.set_attendance(
            actor=officer, target=training, counts={("female", "18_24"): 6, ("female", "under_18"): 2}
        )
        services.set_scores(actor=officer, activity=training, pairs=[(3, 8), (4, 7), (5, 9), (2, 6), (6, 8), (4, 8)])
        event = services.create_activity(
            actor=officer,
            kind=ActivityKind.AWARENESS_EVENT,
            title=f"Safe phones day {number + 1} (demo)",
            held_on=months_ago(ago - 1 if ago else 0, 22),
            place="Market square (example)",
            area="Hammam al-Alil (example)",
            topics=_topics("confidentiality"),
        )
        services.set_attendance(actor=officer, target=event, counts={("female", "25_39"): 40, ("male", "40_59"): 15})
        services.add_material(actor=officer, activity=event, material=Material.HOTLINE_CARD, quantity=150)


def _team(officer: User, team_organisation: Organisation) -> None:
    team = services.create_team(
        actor=officer, organisation=team_organisation, area="Qayyarah (example)", formed_on=months_ago(11, 1)
    )
    coordinator = services.add_member(actor=officer, team=team, name="Example Member One (demo)", role="coordinator")
    for name in ("Example Member Two (demo)", "Example Member Three (demo)"):
        services.add_member(actor=officer, team=team, name=name, role="member")
    services.record_member_training(
        actor=officer, member=coordinator, topic=_topics("unarmed_civilian_protection")[0], completed_on=months_ago(9)
    )
    for ago in (9, 6, 3):
        services.record_mentorship(
            actor=officer,
            team=team,
            held_on=months_ago(ago, 7),
            mentor="Mentor (demo)",
            topics=_topics("leadership", "conflict_sensitivity"),
            members_present=3,
        )


def _team_forum(team_member: User) -> None:
    """A forum the peace team recorded itself, with an action point of its own."""
    forum = services.create_forum(
        actor=team_member,
        held_on=months_ago(1, 12),
        place="Village school (example)",
        area="Qayyarah (example)",
        facilitator="Team coordinator (demo)",
        institutions=[Institution.objects.get(key="community_police")],
    )
    services.set_attendance(actor=team_member, target=forum, counts={("female", "18_24"): 12})
    services.add_action_point(
        actor=team_member,
        forum=forum,
        text="Light the path to the school (example).",
        owner=Institution.objects.get(key="community_police"),
        due_on=months_ago(0, 25),
    )


def create_community_demo(*, officer: User, team_organisation: Organisation, team_member: User | None = None) -> None:
    """The programme's year: quarterly forums, trainings and events, a peace team and its own forum."""
    _forums(officer)
    _activities(officer)
    _team(officer, team_organisation)
    if team_member is not None:
        _team_forum(team_member)
