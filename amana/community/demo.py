"""Fictional demo records of the community programme, made through the services like real ones."""

from __future__ import annotations

from datetime import date

from amana.accounts.models import Organisation, User
from amana.community import services
from amana.community.models import ActionStatus, ActivityKind, Audience, Institution, Material, Topic


def _topics(*keys: str) -> list[Topic]:
    return list(Topic.objects.filter(key__in=keys))


def create_community_demo(*, officer: User, team_organisation: Organisation) -> None:
    """Two forums (the second reviewing the first's action points), a scored training and a peace team."""
    police, security = Institution.objects.get(key="community_police"), Institution.objects.get(key="national_security")
    first = services.create_forum(
        actor=officer,
        held_on=date(2022, 6, 5),
        place="Women's centre (example)",
        area="Qayyarah (example)",
        facilitator="Facilitator (demo)",
        institutions=[police, security],
        topics=_topics("types_of_extortion", "reporting_mechanisms"),
    )
    services.set_attendance(actor=officer, target=first, counts={("female", "18_24"): 14, ("female", "25_39"): 9})
    services.add_concern(actor=officer, forum=first, text="We do not know whom to call when someone threatens us.")
    cards = services.add_action_point(
        actor=officer,
        forum=first,
        text="Share the hotline cards in girls' schools (example).",
        owner=police,
        due_on=date(2022, 8, 1),
    )
    services.add_action_point(
        actor=officer,
        forum=first,
        text="Explain anonymous reporting at the next forum (example).",
        owner=security,
        due_on=date(2022, 9, 30),
    )
    second = services.create_forum(
        actor=officer,
        held_on=date(2022, 9, 10),
        place="Women's centre (example)",
        area="Qayyarah (example)",
        facilitator="Facilitator (demo)",
        institutions=[police],
    )
    services.review_action_point(
        actor=officer,
        action_point=cards,
        forum=second,
        status=ActionStatus.DONE,
        note="Cards handed out in three schools (example).",
    )

    training = services.create_activity(
        actor=officer,
        kind=ActivityKind.TRAINING,
        title="Types of extortion and reporting (demo)",
        held_on=date(2022, 10, 2),
        place="Community hall (example)",
        area="Qayyarah (example)",
        topics=_topics("types_of_extortion", "reporting_mechanisms"),
        audiences=list(Audience.objects.filter(key="young_women")),
        max_score=10,
    )
    services.set_attendance(actor=officer, target=training, counts={("female", "18_24"): 6})
    services.set_scores(actor=officer, activity=training, pairs=[(3, 8), (4, 7), (5, 9), (2, 6), (6, 8), (4, 8)])
    services.add_material(actor=officer, activity=training, material=Material.HOTLINE_CARD, quantity=30)

    team = services.create_team(actor=officer, organisation=team_organisation, area="Qayyarah (example)")
    member = services.add_member(actor=officer, team=team, name="Example Member One (demo)", role="coordinator")
    services.add_member(actor=officer, team=team, name="Example Member Two (demo)", role="member")
    services.record_member_training(
        actor=officer, member=member, topic=_topics("unarmed_civilian_protection")[0], completed_on=date(2023, 1, 15)
    )
    services.record_mentorship(
        actor=officer,
        team=team,
        held_on=date(2023, 3, 7),
        mentor="Mentor (demo)",
        topics=_topics("leadership", "conflict_sensitivity"),
        members_present=2,
    )
