"""The caseworker hears of every step the partner takes, sees how many are unread in her menu, and
the step of her plan that a referral carries out shows how far the referral has come."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from amana.audit.models import AuditEntry
from amana.cases import services as case_services
from amana.cases.models import Notification, NotificationKind
from amana.referrals.models import Pathway, Status

from .conftest import refer

pytestmark = pytest.mark.django_db

QUESTION = "Which account wrote first? (example)"
NOTE = "We warned the account holder in Hammam al-Alil (example)."
REASON = "Outside our district, Noor (example)."


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _partner_steps(client, reference: str) -> None:
    """The police accept, record an action, ask a question and finish, through their own pages."""
    base = f"/staff/referrals/received/{reference}"
    assert client.post(f"{base}/accept/").status_code == 302
    assert client.post(f"{base}/action/", {"kind": "warned", "note": NOTE}).status_code == 302
    assert client.post(f"{base}/question/", {"text": QUESTION}).status_code == 302
    assert client.post(f"{base}/done/", {"note": NOTE}).status_code == 302


def _unread_in_menu(page: str) -> int:
    """The number the menu shows next to "Notifications" (0 when it shows none)."""
    found = re.search(r'>Notifications <span class="count">(\d+) new</span>', page)
    return int(found.group(1)) if found else 0


def test_the_caseworker_is_told_of_every_partner_step(personas, case, login) -> None:
    referral = refer(personas, case)
    Notification.objects.all().delete()  # the assignment's own notice
    _partner_steps(login(personas.liaison), referral.reference)
    declined = refer(personas, case, pathway=Pathway.ACCOMPANIMENT)
    response = login(personas.liaison).post(
        f"/staff/referrals/received/{declined.reference}/decline/", {"text": REASON}
    )
    assert response.status_code == 302

    told = Notification.objects.filter(recipient=personas.caseworker).order_by("pk")
    assert [(n.kind, n.about) for n in told] == [
        (NotificationKind.PARTNER_ACCEPTED, referral.reference),
        (NotificationKind.PARTNER_ACTION, referral.reference),
        (NotificationKind.PARTNER_QUESTION, referral.reference),
        (NotificationKind.PARTNER_DONE, referral.reference),
        (NotificationKind.PARTNER_DECLINED, declined.reference),
    ]
    assert all(n.read_at is None for n in told)
    # The case is hers: the supervisors are not disturbed by each step.
    assert not Notification.objects.filter(recipient=personas.supervisor).exists()

    page = _english(login(personas.caseworker)).get("/staff/cases/notifications/").content.decode()
    for sentence in (
        f"Referral {referral.reference} of case {case.reference} was accepted.",
        f"An action was recorded on referral {referral.reference} of case {case.reference}.",
        f"A question was asked on referral {referral.reference} of case {case.reference}.",
        f"Referral {referral.reference} of case {case.reference} is done.",
        f"Referral {declined.reference} of case {case.reference} was declined.",
    ):
        assert sentence in page
    # Nothing the partner wrote, nor anything of hers, is in a notice.
    for sealed in (QUESTION, NOTE, REASON, "Noor (example)", "He says he will send the photos"):
        assert sealed not in page


def test_a_case_nobody_is_assigned_to_tells_its_supervisors(personas, case, login) -> None:
    case.assigned_to = None
    case.save(update_fields=["assigned_to"])
    referral = refer(personas, case)
    login(personas.liaison).post(f"/staff/referrals/received/{referral.reference}/accept/")
    assert Notification.objects.filter(
        recipient=personas.supervisor, kind=NotificationKind.PARTNER_ACCEPTED, about=referral.reference
    ).exists()


def test_opening_a_notice_reads_it_and_the_menu_counts_one_less(personas, case, login) -> None:
    referral = refer(personas, case)
    case_services.mark_notifications_read(user=personas.caseworker)
    _partner_steps(login(personas.liaison), referral.reference)
    caseworker = _english(login(personas.caseworker))
    assert _unread_in_menu(caseworker.get("/staff/").content.decode()) == 4

    accepted = Notification.objects.get(recipient=personas.caseworker, kind=NotificationKind.PARTNER_ACCEPTED)
    response = caseworker.get(f"/staff/cases/notifications/{accepted.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/staff/referrals/{referral.reference}/"
    accepted.refresh_from_db()
    assert accepted.read_at is not None
    assert _unread_in_menu(caseworker.get("/staff/").content.decode()) == 3

    # Opening it again changes nothing; "mark all as read" empties the count.
    first_read = accepted.read_at
    caseworker.get(f"/staff/cases/notifications/{accepted.pk}/")
    accepted.refresh_from_db()
    assert accepted.read_at == first_read
    caseworker.post("/staff/cases/notifications/read/")
    assert _unread_in_menu(caseworker.get("/staff/").content.decode()) == 0


def test_nobody_opens_another_members_notice(personas, case, login) -> None:
    referral = refer(personas, case)
    login(personas.liaison).post(f"/staff/referrals/received/{referral.reference}/accept/")
    notice = Notification.objects.get(recipient=personas.caseworker, kind=NotificationKind.PARTNER_ACCEPTED)
    assert login(personas.supervisor).get(f"/staff/cases/notifications/{notice.pk}/").status_code == 404
    assert login(personas.liaison).get(f"/staff/cases/notifications/{notice.pk}/").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def _plan_step(personas, case):
    return case_services.add_plan_action(
        case=case,
        kind="liaison",
        consent_how="verbal",
        due_on=timezone.localdate() + timedelta(days=7),
        details="Ask the police to find the account (example).",
        by=personas.caseworker,
    )


def _refer_from_the_form(client, case, personas, plan_step_id) -> object:
    from amana.directory.models import Service

    police = Service.objects.get(organisation=personas.police)
    return client.post(
        f"/staff/referrals/new/{case.reference}/",
        {
            "pathway": Pathway.LIAISON,
            "service": police.pk,
            "compartments": ["incident", "evidence"],
            "purpose": "Find the account (example).",
            "consent_given": "verbal",
            "consent_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "plan_action": plan_step_id,
        },
    )


def test_the_plan_shows_the_progress_of_the_referral_that_carries_out_a_step(personas, case, directory, login) -> None:
    step = _plan_step(personas, case)
    caseworker = _english(login(personas.caseworker))
    response = _refer_from_the_form(caseworker, case, personas, step.pk)
    assert response.status_code == 302
    referral = step.referrals.get()
    assert referral.status == Status.SENT

    plan = caseworker.get(f"/staff/cases/{case.reference}/plan/").content.decode()
    assert "Carried out by a referral (Liaison without identity) to" in plan
    assert ": Waiting for an answer." in plan

    liaison = login(personas.liaison)
    liaison.post(f"/staff/referrals/received/{referral.reference}/accept/")
    liaison.post(f"/staff/referrals/received/{referral.reference}/action/", {"kind": "warned", "note": NOTE})
    liaison.post(f"/staff/referrals/received/{referral.reference}/question/", {"text": QUESTION})
    plan = caseworker.get(f"/staff/cases/{case.reference}/plan/").content.decode()
    assert ": Accepted." in plan
    assert "1 action recorded by them." in plan
    assert "1 question to answer." in plan
    assert NOTE not in plan and QUESTION not in plan

    liaison.post(f"/staff/referrals/received/{referral.reference}/done/", {})
    plan = caseworker.get(f"/staff/cases/{case.reference}/plan/").content.decode()
    assert ": Done." in plan


def test_a_referral_cannot_carry_out_a_step_of_another_case(personas, case, directory, login) -> None:
    from amana.cases.tests.conftest import assigned_case

    other, _code = assigned_case(personas)
    step = _plan_step(personas, other)
    answer = _refer_from_the_form(_english(login(personas.caseworker)), case, personas, step.pk)
    assert answer.status_code == 400
    assert "Choose one of the planned steps of this case." in answer.content.decode()
    assert not step.referrals.exists()


def test_a_referral_made_first_is_linked_later_to_the_step_it_carries_out(personas, case, directory, login) -> None:
    caseworker = _english(login(personas.caseworker))
    assert _refer_from_the_form(caseworker, case, personas, "").status_code == 302
    referral = case.referrals.get()
    page = caseworker.get(f"/staff/referrals/{referral.reference}/").content.decode()
    assert "Her plan has no planned step to link this referral to." in page

    step = _plan_step(personas, case)
    page = caseworker.get(f"/staff/referrals/{referral.reference}/").content.decode()
    assert f'<option value="{step.pk}">' in page
    linked = caseworker.post(f"/staff/referrals/{referral.reference}/plan-step/", {"plan_action": step.pk}, follow=True)
    assert "The step of her plan this referral carries out was saved." in linked.content.decode()
    assert step.referrals.get() == referral
    plan = caseworker.get(f"/staff/cases/{case.reference}/plan/").content.decode()
    assert "Carried out by a referral (Liaison without identity) to" in plan
    assert ": Waiting for an answer." in plan

    # A finished step stays linked and can be unlinked; a step of another case is refused.
    case_services.finish_plan_action(action=step, status="done", outcome="Done (example).", by=personas.caseworker)
    assert (
        f'<option value="{step.pk}" selected>'
        in caseworker.get(f"/staff/referrals/{referral.reference}/").content.decode()
    )
    from amana.cases.tests.conftest import assigned_case

    other, _code = assigned_case(personas)
    foreign = _plan_step(personas, other)
    refused = caseworker.post(f"/staff/referrals/{referral.reference}/plan-step/", {"plan_action": foreign.pk})
    assert refused.status_code == 400 and "Choose one of the planned steps of this case." in refused.content.decode()
    assert caseworker.post(f"/staff/referrals/{referral.reference}/plan-step/", {"plan_action": ""}).status_code == 302
    assert not step.referrals.exists()
    assert AuditEntry.objects.filter(action="referral.plan_step_linked").count() == 2


def test_only_who_acts_on_the_case_links_a_referral_to_her_plan(personas, case, directory, login) -> None:
    assert _refer_from_the_form(_english(login(personas.caseworker)), case, personas, "").status_code == 302
    referral = case.referrals.get()
    step = _plan_step(personas, case)
    for persona in (personas.me_officer, personas.liaison, personas.cpt_member):
        response = login(persona).post(f"/staff/referrals/{referral.reference}/plan-step/", {"plan_action": step.pk})
        assert response.status_code in (403, 404)
    assert not step.referrals.exists()
