"""The demo's case work over the last twelve months, made through the same services as real work.

About forty fictional reports (names like "Noor (example)", numbers from the unused 0770 000 0xxx
range) arrive by every channel; each is taken as far as the story needs: assessed, planned,
followed up, closed or waiting for a supervisor. Referrals go down the four pathways to the demo
police, national security office and wellbeing centre and stand in every state. One report's
duress code was used; two reports to two organisations share an extortionist's number. Then the
plain dates are moved back to the month each case belongs to, so the figures span a year.

Only the dates of plain columns are moved; sealed content, keys and the audit chain are as the
services wrote them.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from amana.accounts.models import Organisation, User
from amana.cases import services as cases
from amana.cases.models import (
    ActionKind,
    AdultConsent,
    Audience,
    Case,
    Channel,
    ChildAge,
    ChildAgreement,
    ChildReferralCheck,
    ClosureReason,
    ConsentGivenHow,
    ConsentHow,
    ContactMethod,
    FollowUpStatus,
    GuardianInvolvement,
    ReportingDecision,
    Scope,
)
from amana.channel import services as channel
from amana.community import services as community
from amana.community.models import PeaceTeam
from amana.evidence import services as evidence
from amana.evidence.sample_exports import Layout, conversation, whatsapp_text
from amana.referrals import services as referrals
from amana.referrals.models import ActionKind as PartnerActionKind
from amana.referrals.models import Pathway, Referral
from amana.vault.keyring import Keyring

NAMES = ["Noor", "Huda", "Zainab", "Maryam", "Sara", "Rana", "Amal", "Dalia", "Hiba", "Shahad"]
CHANNELS = [Channel.WEB, Channel.HOTLINE, Channel.IN_PERSON, Channel.PEACE_TEAM]
AGE_BANDS = ["18_24", "15_17", "25_34", "under_15", "18_24", "35_plus", "15_17", "25_34"]
DISTRICTS = ["qayyarah", "hammam_al_alil", "south_mosul", "qayyarah", "mosul_city"]
PLATFORMS = ["whatsapp", "facebook", "instagram", "telegram", "tiktok", "snapchat", "phone"]
DEMANDS = [["money"], ["images"], ["sexual", "images"], ["money", "other"]]
EVERY_CONSENT = frozenset(cases.CONSENT_CHOICES)
# The number two organisations both hear about: the repeat-extortionist alert.
SHARED_NUMBER = "0770 000 0999"
# Every state a referral can stand in, on each of the four pathways.
REFERRAL_STATES = ["waiting", "accepted", "action", "question", "done", "declined", "withdrawn"]
OPEN_STATES = {"waiting", "accepted", "action", "question"}
CASE_COUNT = 40
# The one peace-team case not yet handed over (no referral rests on it).
TEAM_KEEPS = 35
# She chose to be reached through a peace team: the NGO asks the team for a follow-up visit.
VISIT_CASE = 33
VISIT_BRIEF = "Ask for Amal at the women's centre on Thursday morning; say you bring the hotline cards (example)."


@dataclass
class DemoPeople:
    """Who does what in the story, with the keys each organisation opens its data with."""

    ngo: Organisation
    other_ngo: Organisation
    team: Organisation
    police: Organisation
    security: Organisation
    provider: Organisation
    caseworker: User
    supervisor: User
    cpt_member: User
    police_liaison: User
    security_liaison: User
    provider_staff: User
    ngo_keyring: Keyring
    team_keyring: Keyring


def _report(number: int, *, phones: list[str] | None = None, **changes: Any) -> cases.Report:
    name = NAMES[number % len(NAMES)]
    values: dict[str, Any] = {
        "for_whom": "self" if number % 5 else "other",
        "danger_now": False,
        "self_harm": False,
        "platform": PLATFORMS[number % len(PLATFORMS)],
        "demands": DEMANDS[number % len(DEMANDS)],
        "published": ["no", "unknown", "yes"][number % 3],
        "since": ["this_week", "this_month", "months"][number % 3],
        "district": DISTRICTS[number % len(DISTRICTS)],
        "age_band": AGE_BANDS[number % len(AGE_BANDS)],
        "wants": ["talk", "liaison"] if number % 2 else ["accompaniment", "psychosocial"],
        "narrative": f"{name} (example) is threatened with pictures unless she pays. A demo story, number {number}.",
        "perpetrator_phones": phones or [f"0770 000 0{number:03d}"],
        "perpetrator_accounts": [f"@example_account_{number}"],
        "name": f"{name} (example {number})",
        "contact_methods": [ContactMethod.SITE_ONLY] if number % 3 else [ContactMethod.CALL],
        "contact_phone": "" if number % 3 else f"0770 000 1{number:03d}",
        "safe_times": "" if number % 3 else "Mornings, 9 to 11 (example)",
        "consents": EVERY_CONSENT,
    }
    values.update(changes)
    return cases.Report(**values)


def _submit(people: DemoPeople, number: int, report: cases.Report, *, organisation: Organisation | None = None) -> Any:
    kind = CHANNELS[number % len(CHANNELS)]
    if organisation is None:
        organisation = people.team if kind == Channel.PEACE_TEAM else people.ngo
    recorded_by = {Channel.WEB: None, Channel.PEACE_TEAM: people.cpt_member}.get(kind, people.caseworker)
    return channel.submit_report(
        report=report,
        organisation=organisation,
        channel=kind,
        recorded_by=recorded_by if organisation != people.other_ngo else None,
        submission_token=secrets.token_urlsafe(16),
    )


def _when(months_ago: int, day: int) -> datetime:
    first = timezone.localdate().replace(day=1)
    for _month in range(months_ago):
        first = (first - timedelta(days=1)).replace(day=1)
    return timezone.make_aware(datetime.combine(first.replace(day=min(day, 28)), datetime.min.time()))


def _backdate(case: Case, moment: datetime) -> None:
    # Plain columns only: the month a case counts in, and when it came in.
    Case.objects.filter(pk=case.pk).update(month_reported=moment.date().replace(day=1), created_at=moment)
    Referral.objects.filter(case=case).update(created_at=moment + timedelta(days=3))


def _demo_image(number: int) -> SimpleUploadedFile:
    """A small fictional screenshot: a grey phone screen that says it is an example."""
    image = Image.new("RGB", (240, 400), (236, 236, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 40, 230, 120), fill=(210, 230, 210))
    draw.text((20, 60), f"Example threat {number} (demo)", fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"screenshot-{number}-example.png", buffer.getvalue(), content_type="image/png")


def _handle(people: DemoPeople, case: Case, stage: str, number: int) -> Case:
    """Take a case to its stage: assessed, planned, followed up, awaiting closure or closed."""
    if case.is_held_by_team:
        if number == TEAM_KEEPS:
            return case  # still with the team that received it
        cases.hand_over(
            case=case,
            to_organisation=people.ngo,
            consent_how=ConsentHow.VERBAL,
            keyring=people.team_keyring,
            by=people.cpt_member,
        )
        case.refresh_from_db()
    cases.assign_case(case=case, caseworker=people.caseworker, by=people.supervisor)
    if cases.her_choice_is_assent(case):
        _consent_with_her_sister(people, case)
    if stage == "new":
        return case
    answers = {"immediate_danger": "no", "family_violence": "no", "self_harm": "no", "images_published": "no"}
    answers["knows_family"] = "yes" if number % 2 else "no"
    cases.record_risk_assessment(case=case, answers=answers, notes="Demo assessment.", judged="", by=people.caseworker)
    if case.is_child:
        decision = cases.SafeguardingDecision(
            best_interest="She wants her older sister beside her, not her father (example).",
            guardian_involvement=GuardianInvolvement.TRUSTED_ADULT,
            guardian_reason="Her father was told of the threats and hit her (example).",
            child_referral=ChildReferralCheck.CHECKED,
        )
        cases.record_safeguarding(case=case, decision=decision, by=people.caseworker)
        cases.decide_mandatory_reporting(
            case=case,
            decision=ReportingDecision.NOT_REPORT,
            reason="Reporting now would reach her father first (example).",
            by=people.supervisor,
        )
    if stage == "assessed":
        return case
    action = cases.add_plan_action(
        case=case,
        kind=ActionKind.DIGITAL_SAFETY,
        consent_how=ConsentHow.VERBAL,
        due_on=timezone.localdate() + timedelta(days=14),
        details="Secure her accounts together (example).",
        by=people.caseworker,
    )
    if stage == "planned":
        return case
    plan = cases.FollowUpPlan(due_at=timezone.now() + timedelta(days=1), channel=ContactMethod.SITE_ONLY)
    follow_up = cases.schedule_follow_up(case=case, plan=plan, by=people.caseworker)
    if stage == "followed_up":
        return case
    cases.finish_plan_action(action=action, status="done", outcome="Accounts secured (example).", by=people.caseworker)
    cases.record_follow_up(
        follow_up=follow_up, status=FollowUpStatus.DONE, outcome="She feels safer.", by=people.caseworker
    )
    return case


def _consent_with_her_sister(people: DemoPeople, case: Case) -> None:
    """A girl under 15 chose on the site what may be shared: her caseworker records it with her and
    her older sister, as involving her father is not safe."""
    wanted = cases.her_wishes(case)
    child = cases.ChildConsent(
        age=ChildAge.FROM_12_TO_14,
        agreement=ChildAgreement.ASSENT,
        adult=AdultConsent.TRUSTED_ADULT,
        caregiver_left_out_because="Her father was told of the threats and hit her (example).",
    )
    given = cases.GivenConsent(
        given=frozenset((key.split(".")[0], key.split(".")[1]) for key in wanted),
        how=ConsentGivenHow.IN_PERSON,
        given_at=timezone.now(),
        child=child,
    )
    cases.record_consent(case=case, consent=given, based_on=cases.latest_consent_record_id(case), by=people.caseworker)


def _close(people: DemoPeople, case: Case, stage: str) -> None:
    """Ask to close a case whose plan is done; a supervisor approves those of the stage "closed"."""
    if stage not in ("awaiting_closure", "closed") or case.is_held_by_team:
        return
    cases.request_closure(
        case=case, reason=ClosureReason.GOALS_MET, feedback="Thankful (example).", by=people.caseworker
    )
    if stage == "closed":
        cases.decide_closure(case=case, approve=True, note="Plan done (example).", by=people.supervisor)


def _refer(people: DemoPeople, case: Case, pathway: str, state: str) -> Referral:
    """A referral down one pathway, taken by the partner to one state."""
    partner, liaison = {
        Pathway.ACCOMPANIMENT: (people.police, people.police_liaison),
        Pathway.SAFE_SPACE: (people.security, people.security_liaison),
        Pathway.LIAISON: (people.police, people.police_liaison),
        Pathway.SERVICE: (people.provider, people.provider_staff),
    }[pathway]  # type: ignore[index]
    compartments = ["incident", "evidence"] if pathway == Pathway.LIAISON else ["identity", "incident"]
    referral = referrals.create_referral(
        case=case,
        organisation=partner,
        pathway=pathway,
        compartments=compartments,
        purpose="What she asked for, in the demo story (example).",
        consent_given="verbal",
        consent_until=timezone.localdate() + timedelta(days=60),
        by=people.caseworker,
        keyring=people.ngo_keyring,
        service_type="psychosocial" if pathway == Pathway.SERVICE else "",
    )
    if state == "declined":
        referrals.decline(referral=referral, by=liaison, reason="Outside our area (example).")
    elif state == "withdrawn":
        # She takes back her consent for the authorities and services: the referral ends with it.
        cases.set_consents(case=case, given=[(Audience.STATISTICS, Scope.INCIDENT)], by=None)
    elif state != "waiting":
        referrals.accept(referral=referral, by=liaison)
        if state in ("action", "done"):
            referrals.record_action(
                referral=referral, by=liaison, kind=PartnerActionKind.INVESTIGATION_OPENED, note="Opened (example)."
            )
        if state == "question":
            question = referrals.ask(referral=referral, by=liaison, text="Which account wrote first? (example)")
            referrals.answer(question=question, by=people.caseworker, text="The second one (example).")
        if state == "done":
            referrals.mark_done(referral=referral, by=liaison, note="Account removed (example).")
    return referral


def _ask_for_visit(people: DemoPeople, case: Case) -> None:
    community.request_visit(
        case=case,
        team=PeaceTeam.objects.get(organisation=people.team),
        contact_methods=[ContactMethod.PEACE_TEAM],
        brief=VISIT_BRIEF,
        due_on=timezone.localdate() + timedelta(days=7),
        by=people.caseworker,
    )


def _stage(number: int, months_ago: int, referral_state: str | None) -> str:
    """Older cases are closed unless a referral is still open; recent ones stand at every step."""
    if referral_state in OPEN_STATES:
        return ["assessed", "planned", "followed_up"][number % 3]
    if months_ago >= 3:
        return "closed"
    return ["new", "assessed", "planned", "followed_up", "awaiting_closure", "closed"][number % 6]


def _evidence(people: DemoPeople, case: Case, referral: Referral) -> None:
    """Two screenshots, an imported WhatsApp export and a package for the police liaison."""
    evidence.add_files(case=case, uploads=[_demo_image(1), _demo_image(2)], by=people.caseworker)
    export = whatsapp_text(conversation(24), Layout(language="ar"))
    upload = SimpleUploadedFile("WhatsApp Chat with Example.txt", export, content_type="text/plain")
    evidence.import_chat(case=case, upload=upload, by=people.caseworker, export_name="WhatsApp Chat with Example.txt")
    evidence.make_package(
        case=case,
        compartments=set(referral.compartments),
        keyring=people.ngo_keyring,
        by=people.caseworker,
        referral=referral,
    )


def create_case_demo(people: DemoPeople) -> int:
    """Forty cases over twelve months with every step, channel and referral state; returns how many."""
    pathways = [Pathway.ACCOMPANIMENT, Pathway.SAFE_SPACE, Pathway.LIAISON, Pathway.SERVICE]
    plan = [(pathway, state) for state in REFERRAL_STATES for pathway in pathways]
    made = 0
    for number in range(CASE_COUNT):
        months_ago = 11 - number * 12 // CASE_COUNT
        referral_plan = plan[number] if number < len(plan) else None
        urgent = number >= CASE_COUNT - 3
        contact = {"contact_methods": [ContactMethod.PEACE_TEAM], "contact_phone": ""} if number == VISIT_CASE else {}
        report = _report(number, danger_now=urgent, phones=[SHARED_NUMBER] if number == 30 else None, **contact)
        submitted = _submit(people, number, report)
        case = submitted.case
        if number == CASE_COUNT - 1:
            # She was made to open her follow-up page in front of someone, and gave her duress code.
            access = case.survivor_access
            channel.set_duress_code(access=access, duress=channel.new_duress_code())
            channel.duress_code_used(access=access)
        stage = "new" if urgent else _stage(number, months_ago, referral_plan[1] if referral_plan else None)
        case = _handle(people, case, stage, number)
        if referral_plan and not case.is_held_by_team:
            referral = _refer(people, case, *referral_plan)
            if referral_plan == (Pathway.LIAISON, "action"):
                _evidence(people, case, referral)
        _close(people, case, stage)
        if number == VISIT_CASE:
            _ask_for_visit(people, case)
        _backdate(case, _when(months_ago, 3 + number % 25))
        made += 1
    # The same extortionist's number, reported to another organisation: a repeat-extortionist alert.
    other = _submit(people, 0, _report(99, phones=[SHARED_NUMBER]), organisation=people.other_ngo)
    _backdate(other.case, _when(2, 12))
    return made + 1
