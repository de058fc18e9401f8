"""Fixtures of case handling: cases of the test NGO and of the peace team, and a second caseworker."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from amana.accounts import services as accounts
from amana.accounts.models import Role, User
from amana.cases.models import Case, Channel
from amana.cases.selectors import ClosureItem
from amana.channel import services as channel
from amana.channel.forms import report_from_answers
from amana.channel.tests.conftest import all_answers, make_case
from amana.vault import services as vault
from conftest import PASSWORD

__all__ = [
    "CLOSE_ANYWAY",
    "OVERRIDE_EVERYTHING",
    "SAFE_ANSWERS",
    "assigned_case",
    "colleague",
    "keyring_of",
    "make_case",
    "other_caseworker",
    "ready_to_close",
    "team_case",
]

# Every question of the risk assessment answered "no".
SAFE_ANSWERS = dict.fromkeys(
    ("immediate_danger", "family_violence", "self_harm", "images_published", "knows_family"), "no"
)
# A supervisor's overrides of every item of the closure checklist, each with its written reason.
OVERRIDE_EVERYTHING = dict.fromkeys(ClosureItem.ALL, "Closed at her request before the steps were done (example).")
# The decision form approving a closure with every checklist item overridden.
CLOSE_ANYWAY = {
    "decision": "approve",
    **{f"override_{code}": "on" for code in ClosureItem.ALL},
    **{f"override_reason_{code}": reason for code, reason in OVERRIDE_EVERYTHING.items()},
}


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


def ready_to_close(personas: Any, case: Case) -> Case:
    """Take a case through what the closure checklist asks: risk assessed, her plan's step done, and
    for a girl the safeguarding step and a supervisor's decision on mandatory reporting (her feedback
    comes with the closure request itself)."""
    from amana.cases import services

    services.record_risk_assessment(case=case, answers=SAFE_ANSWERS, notes="", judged="", by=personas.caseworker)
    action = services.add_plan_action(
        case=case,
        kind="psychosocial",
        consent_how="verbal",
        due_on=None,
        details="Support (example).",
        by=personas.caseworker,
    )
    services.finish_plan_action(
        action=action, status="done", outcome="Sessions held (example).", by=personas.caseworker
    )
    if case.is_child:
        decision = services.SafeguardingDecision(
            best_interest="Her aunt beside her (example).",
            guardian_involvement="trusted_adult",
            guardian_reason="Her father is not safe for her (example).",
            child_referral="checked",
        )
        services.record_safeguarding(case=case, decision=decision, by=personas.caseworker)
        services.decide_mandatory_reporting(
            case=case, decision="not_report", reason="Reporting would expose her (example).", by=personas.supervisor
        )
    return case
