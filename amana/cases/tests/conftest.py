"""Fixtures of case handling: cases of the test NGO and of the peace team, and a second caseworker."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from amana.accounts import services as accounts
from amana.accounts.models import Role, User
from amana.cases.models import Case, Channel
from amana.channel import services as channel
from amana.channel.forms import report_from_answers
from amana.channel.tests.conftest import all_answers, make_case
from amana.vault import services as vault
from conftest import PASSWORD

__all__ = ["assigned_case", "colleague", "keyring_of", "make_case", "other_caseworker", "team_case"]


def keyring_of(user: User) -> vault.Keyring:
    """The keyring a member holds after signing in."""
    return vault.user_keyring(user, PASSWORD)


def colleague(personas: Any, username: str, role: str) -> User:
    """Another member of the test NGO, given the key with the recovery key as an admin would."""
    keyring = vault.keyring_from_recovery(organisation=personas.ngo, recovery_key=personas.ngo.recovery_key)
    return accounts.create_member(
        actor=None, organisation=personas.ngo, username=username, password=PASSWORD, roles=[role], keyring=keyring
    )


@pytest.fixture
def other_caseworker(personas: Any) -> User:
    return colleague(personas, "caseworker.two", Role.CASEWORKER)


def assigned_case(personas: Any, **changes: Any) -> tuple[Case, str]:
    """A case as the site makes it, assigned by the supervisor to the caseworker persona: the one
    rule lets only her and the supervisors act on it."""
    from amana.cases import services

    case, code = make_case(personas.ngo, **changes)
    services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    return case, code


def team_case(personas: Any, **changes: Any) -> Case:
    """A case a peace-team member recorded: held by the team until it is handed over."""
    return channel.submit_report(
        report=report_from_answers(all_answers(**changes)),
        organisation=personas.cpt,
        channel=Channel.PEACE_TEAM,
        recorded_by=personas.cpt_member,
        submission_token=secrets.token_urlsafe(16),
    ).case
