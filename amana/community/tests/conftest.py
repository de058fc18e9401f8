"""Fixtures for the community programme: a second organisation's M&E officer, and ready records."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from amana.accounts.models import Role, User
from amana.community import services
from amana.community.models import ActionPoint, Activity, ActivityKind, Forum, Institution


def institution(key: str) -> Institution:
    return Institution.objects.get(key=key)


def make_forum(actor: User, held_on: date, place: str = "Qayyarah youth centre (example)") -> Forum:
    return services.create_forum(
        actor=actor,
        held_on=held_on,
        place=place,
        facilitator="Facilitator (example)",
        institutions=[institution("community_police"), institution("national_security")],
    )


def make_action_point(
    actor: User, forum: Forum, text: str = "Share the hotline numbers in schools (example)"
) -> ActionPoint:
    return services.add_action_point(
        actor=actor, forum=forum, text=text, owner=institution("community_police"), due_on=date(2023, 4, 1)
    )


def make_training(actor: User, max_score: int = 10) -> Activity:
    return services.create_activity(
        actor=actor,
        kind=ActivityKind.TRAINING,
        title="Reporting mechanisms training (example)",
        held_on=date(2023, 3, 20),
        place="Community hall (example)",
        max_score=max_score,
    )


@pytest.fixture
def other_me_officer(personas: Any) -> User:
    """An M&E officer of another NGO: must see nothing of the first NGO's programme."""
    return personas._member("other.me", personas.other_ngo, Role.ME_OFFICER)


def sign_in(page: Any, base_url: str, user: User) -> None:
    """Sign in through the real Arabic pages, password then authenticator code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import PASSWORD, current_code

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    page.goto(f"{base_url}/staff/login/")
    page.get_by_label("اسم المستخدم").fill(user.username)
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="متابعة").click()
    page.wait_for_url("**/staff/login/code/**")
    page.get_by_label("الرمز المكوّن من ستة أرقام").fill(current_code(device))
    page.get_by_role("button", name="دخول").click()
    page.wait_for_url("**/staff/")
