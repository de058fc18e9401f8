"""Every staff URL that takes an object id, for every role, by GET and by POST: 0 unauthorised successes.

The URL patterns are read from the URLconf, so a new view that takes an object id and has no row in
ROWS fails ``test_every_staff_url_with_an_object_id_has_a_rule``. Each row writes down, for both
methods, who succeeds and how everyone else is refused:

- ``ok``: the view did its work for this person (200, a redirect that is not to a sign-in page, or
  400 for the empty form the matrix sends: access was granted and the form explained);
- 403: the role may never do this; 404: the role may, but not on this object (a colleague's case,
  another organisation's referral), so the answer does not confirm that it exists;
- 405: the view does not answer this method at all, for anyone;
- ``login``: sent to sign in (the Django admin, for anyone but a verified system admin).

Personas: the NGO's caseworker assigned to the case, a second caseworker of the same NGO who is
not assigned ("colleague"), a supervisor, an M&E officer, an organisation admin and a system
admin of the NGO, a peace-team member, a police liaison (the referral's partner), a service
provider's staff member, and a caseworker of a second NGO ("outsider").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from amana.accounts import services as accounts
from amana.accounts.models import KeyRequest, Role
from amana.cases import services as cases
from amana.cases.models import Notification, Sender
from amana.cases.tests.conftest import assigned_case, colleague, team_case
from amana.channel import intake_drafts
from amana.community import services as community
from amana.community.tests.conftest import make_action_point, make_forum, make_training
from amana.directory.models import Service, ServiceKind
from amana.evidence import services as evidence
from amana.evidence.models import EvidenceItem, SharedFile
from amana.evidence.sample_exports import Layout, conversation, whatsapp_zip
from amana.referrals import services as referrals
from amana.referrals.tests.conftest import keyring, refer

pytestmark = pytest.mark.django_db

OK, LOGIN = "ok", "login"
PERSONAS = (
    "caseworker",
    "colleague",
    "supervisor",
    "me_officer",
    "org_admin",
    "system_admin",
    "cpt_member",
    "liaison",
    "provider_staff",
    "outsider",
)


@dataclass(frozen=True)
class Rule:
    """Who succeeds; who gets 404 (may do this, not on this object); everyone else gets ``refused``."""

    ok: frozenset[str] = frozenset()
    not_found: frozenset[str] = frozenset()
    refused: Any = 403
    forbidden: frozenset[str] = frozenset()  # 403 where everyone else gets ``refused``

    def expected(self, persona: str) -> Any:
        if persona in self.ok:
            return OK
        if persona in self.forbidden:
            return 403
        return 404 if persona in self.not_found else self.refused


def rule(ok: str = "", not_found: str = "", refused: Any = 403, forbidden: str = "") -> Rule:
    return Rule(frozenset(ok.split()), frozenset(not_found.split()), refused, frozenset(forbidden.split()))


# The one rule for acting on a case: the assigned caseworker and the organisation's supervisors.
CASE = rule("caseworker supervisor", "colleague outsider")
SUPERVISOR = rule("supervisor")  # the role is checked first: everyone else is refused outright
TEAM = rule("cpt_member")
PARTNER = rule("liaison", "provider_staff")  # the referral was made to the police, not to the provider
PROGRAMME = rule("me_officer")
# Forums, action points and activities the NGO's M&E officer recorded: peace teams record their own,
# and find nothing of the NGO's.
RECORDS = rule("me_officer", "cpt_member")
PEACE_TEAM_PAGE = rule("me_officer cpt_member")
MEMBERS = rule("org_admin system_admin")
ADMIN = rule("system_admin", refused=LOGIN)
ADMIN_READ_ONLY = rule(refused=LOGIN, forbidden="system_admin")  # a model the admin only shows
NO_PAGE = rule(not_found="system_admin", refused=LOGIN)
NO_METHOD = rule(refused=405)
DRAFT = rule("cpt_member", "caseworker colleague supervisor outsider")  # a peace-team member's draft

# route (as the URLconf spells it) -> (GET rule, POST rule)
ROWS: dict[str, tuple[Rule, Rule]] = {
    # Cases
    "staff/cases/<str:reference>/": (CASE, NO_METHOD),
    "staff/cases/<str:reference>/reply/": (NO_METHOD, CASE),
    "staff/cases/<str:reference>/assign/": (NO_METHOD, SUPERVISOR),
    "staff/cases/<str:reference>/incident/": (CASE, CASE),
    "staff/cases/<str:reference>/contact-plan/": (CASE, CASE),
    "staff/cases/<str:reference>/consent/": (CASE, CASE),
    "staff/cases/<str:reference>/assessment/": (CASE, CASE),
    "staff/cases/<str:reference>/safeguarding/": (CASE, CASE),
    "staff/cases/<str:reference>/plan/": (CASE, CASE),
    "staff/cases/<str:reference>/plan/<int:action_id>/": (NO_METHOD, CASE),
    "staff/cases/<str:reference>/follow-ups/": (CASE, CASE),
    "staff/cases/<str:reference>/follow-ups/<int:follow_up_id>/": (NO_METHOD, CASE),
    "staff/cases/<str:reference>/closure/": (CASE, CASE),
    "staff/cases/<str:reference>/closure/decision/": (NO_METHOD, SUPERVISOR),
    "staff/cases/<str:reference>/reopen/": (NO_METHOD, SUPERVISOR),
    "staff/cases/<str:reference>/files/<int:evidence_id>/": (CASE, NO_METHOD),
    "staff/cases/team/<str:reference>/": (TEAM, NO_METHOD),
    # A notice is its recipient's alone: anyone else who handles cases finds nothing.
    "staff/cases/notifications/<int:notification_id>/": (
        rule("caseworker", "colleague supervisor outsider"),
        NO_METHOD,
    ),
    "staff/cases/team/<str:reference>/hand-over/": (NO_METHOD, TEAM),
    # Evidence
    "staff/evidence/<str:reference>/": (CASE, NO_METHOD),
    "staff/evidence/<str:reference>/files/": (NO_METHOD, CASE),
    "staff/evidence/<str:reference>/files/<int:item_id>/": (CASE, NO_METHOD),
    "staff/evidence/<str:reference>/files/<int:item_id>/download/": (CASE, NO_METHOD),
    "staff/evidence/<str:reference>/files/<int:item_id>/intimate/": (NO_METHOD, CASE),
    "staff/evidence/<str:reference>/chats/": (NO_METHOD, CASE),
    "staff/evidence/<str:reference>/chats/<int:timeline_id>/": (CASE, NO_METHOD),
    "staff/evidence/<str:reference>/chats/<int:timeline_id>/identifiers/": (NO_METHOD, CASE),
    "staff/evidence/<str:reference>/chats/<int:timeline_id>/her-side/": (NO_METHOD, CASE),
    "staff/evidence/<str:reference>/package/": (NO_METHOD, CASE),
    "staff/evidence/<str:reference>/pdq/": (CASE, CASE),
    # Referrals: the NGO's side follows the case rule, the portal the receiving organisation's.
    "staff/referrals/new/<str:case_reference>/": (CASE, CASE),
    "staff/referrals/<str:reference>/": (CASE, NO_METHOD),
    "staff/referrals/<str:reference>/withdraw/": (NO_METHOD, CASE),
    "staff/referrals/<str:reference>/schedule/": (NO_METHOD, CASE),
    "staff/referrals/<str:reference>/plan-step/": (NO_METHOD, CASE),
    "staff/referrals/<str:reference>/outcome/": (NO_METHOD, CASE),
    "staff/referrals/<str:reference>/questions/<int:question_id>/answer/": (NO_METHOD, CASE),
    "staff/referrals/received/<str:reference>/": (PARTNER, NO_METHOD),
    "staff/referrals/received/<str:reference>/accept/": (NO_METHOD, PARTNER),
    "staff/referrals/received/<str:reference>/decline/": (NO_METHOD, PARTNER),
    "staff/referrals/received/<str:reference>/action/": (NO_METHOD, PARTNER),
    "staff/referrals/received/<str:reference>/question/": (NO_METHOD, PARTNER),
    "staff/referrals/received/<str:reference>/done/": (NO_METHOD, PARTNER),
    "staff/referrals/received/<str:reference>/files/<int:evidence_id>/": (PARTNER, NO_METHOD),
    # Intake drafts: only the member who started one continues it; other recorders find nothing.
    "staff/intake/drafts/<int:draft_id>/<int:number>/": (DRAFT, DRAFT),
    "staff/intake/drafts/<int:draft_id>/send/": (DRAFT, DRAFT),
    "staff/intake/drafts/<int:draft_id>/discard/": (NO_METHOD, DRAFT),
    "staff/referrals/received/<str:reference>/files/<int:evidence_id>/download/": (PARTNER, NO_METHOD),
    "staff/referrals/<str:reference>/files/": (NO_METHOD, CASE),
    # Members and organisations
    "staff/organisations/<int:organisation_id>/members/": (MEMBERS, NO_METHOD),
    "staff/organisations/<int:organisation_id>/members/new/": (MEMBERS, MEMBERS),
    "staff/organisations/<int:organisation_id>/members/<int:member_id>/": (NO_METHOD, MEMBERS),
    # The case key's second person: an approver of the organisation (a supervisor, in an NGO).
    "staff/keys/<int:request_id>/approve/": (NO_METHOD, rule("supervisor", "cpt_member liaison provider_staff")),
    "staff/organisations/<int:organisation_id>/members/<int:member_id>/deactivate/": (MEMBERS, MEMBERS),
    "staff/organisations/<int:organisation_id>/members/<int:member_id>/readd/": (NO_METHOD, MEMBERS),
    # The community programme
    "staff/community/forums/<int:forum_id>/": (RECORDS, NO_METHOD),
    "staff/community/forums/<int:forum_id>/concerns/": (NO_METHOD, RECORDS),
    "staff/community/forums/<int:forum_id>/action-points/": (NO_METHOD, RECORDS),
    "staff/community/forums/<int:forum_id>/reviews/<int:action_point_id>/": (NO_METHOD, RECORDS),
    "staff/community/action-points/<int:action_point_id>/": (RECORDS, NO_METHOD),
    "staff/community/activities/<int:activity_id>/": (RECORDS, NO_METHOD),
    "staff/community/activities/<int:activity_id>/materials/": (NO_METHOD, RECORDS),
    "staff/community/activities/<int:activity_id>/scores/": (RECORDS, RECORDS),
    "staff/community/forums/<int:target_id>/attendance/": (RECORDS, RECORDS),
    "staff/community/forums/<int:target_id>/attendance/import/": (RECORDS, RECORDS),
    "staff/community/activities/<int:target_id>/attendance/": (RECORDS, RECORDS),
    "staff/community/activities/<int:target_id>/attendance/import/": (RECORDS, RECORDS),
    "staff/community/teams/<int:team_id>/": (PEACE_TEAM_PAGE, NO_METHOD),
    "staff/community/teams/<int:team_id>/members/": (NO_METHOD, PROGRAMME),
    "staff/community/teams/<int:team_id>/members/<int:member_id>/trainings/": (NO_METHOD, PROGRAMME),
    "staff/community/teams/<int:team_id>/mentorship/": (NO_METHOD, PROGRAMME),
    "staff/community/forums/<int:forum_id>/correct/": (RECORDS, RECORDS),
    "staff/community/forums/<int:forum_id>/remove/": (RECORDS, RECORDS),
    "staff/community/action-points/<int:action_point_id>/correct/": (RECORDS, RECORDS),
    "staff/community/action-points/<int:action_point_id>/remove/": (RECORDS, RECORDS),
    "staff/community/activities/<int:activity_id>/correct/": (RECORDS, RECORDS),
    "staff/community/activities/<int:activity_id>/remove/": (RECORDS, RECORDS),
    "staff/community/teams/<int:team_id>/members/<int:member_id>/correct/": (PROGRAMME, PROGRAMME),
    "staff/community/teams/<int:team_id>/members/<int:member_id>/remove/": (PROGRAMME, PROGRAMME),
    "staff/community/teams/<int:team_id>/mentorship/<int:session_id>/correct/": (PROGRAMME, PROGRAMME),
    "staff/community/teams/<int:team_id>/mentorship/<int:session_id>/remove/": (PROGRAMME, PROGRAMME),
    # A follow-up visit the NGO asked of the peace team: only the team records how it went.
    "staff/community/visits/<str:reference>/record/": (NO_METHOD, TEAM),
    # Retention: a supervisor lifts a hold or deletes a case early, under the case rule.
    "staff/retention/<str:reference>/hold/lift/": (NO_METHOD, SUPERVISOR),
    "staff/retention/<str:reference>/delete/": (NO_METHOD, SUPERVISOR),
    # The organisation's settings: its signing key and how packages are named.
    "staff/organisations/<int:organisation_id>/settings/": (MEMBERS, NO_METHOD),
    "staff/organisations/<int:organisation_id>/settings/signing-key/": (NO_METHOD, MEMBERS),
    "staff/organisations/<int:organisation_id>/settings/signing-key/revoke/": (NO_METHOD, MEMBERS),
    "staff/organisations/<int:organisation_id>/settings/package-naming/": (NO_METHOD, MEMBERS),
    # A directory entry's words in one language: the admins who keep organisations and members.
    "staff/directory/<int:service_id>/words/<str:language>/": (MEMBERS, MEMBERS),
    "staff/organisations/<int:organisation_id>/settings/first-screen/": (NO_METHOD, MEMBERS),
    # "View on site": a directory entry has no page of its own, so even a system admin finds nothing.
    "staff/admin/r/<path:content_type_id>/<path:object_id>/": (NO_PAGE, NO_PAGE),
}


def _admin_rows() -> dict[str, tuple[Rule, Rule]]:
    """Every model page of the Django admin follows one rule (AmanaAdminSite.has_permission):
    verified system admins only, so each registered model gets its rows from the admin's registry."""
    rows = {}
    superuser = RequestFactory().get("/")
    superuser.user = SimpleNamespace(is_active=True, is_staff=True, is_superuser=True, has_perm=lambda *a: True)
    for model, model_admin in admin.site._registry.items():
        changes = ADMIN if model_admin.has_change_permission(superuser) else ADMIN_READ_ONLY
        deletes = ADMIN if model_admin.has_delete_permission(superuser) else ADMIN_READ_ONLY
        base = f"staff/admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
        rows |= {
            base: (ADMIN, ADMIN),  # only a redirect to the change page
            f"{base}change/": (ADMIN, changes),
            f"{base}history/": (ADMIN, ADMIN),
            f"{base}delete/": (deletes, deletes),
        }
    return rows


ROWS |= _admin_rows()
# Routes whose POST cannot be undone: tried after everything else.
LAST = ("withdraw/", "decline/", "done/", "hand-over/", "delete/", "remove/", "revoke/", "discard/")


def staff_routes_with_an_object_id() -> list[str]:
    """Every route under /staff/ that names one object (a converter other than the admin's catch-all)."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith("staff/") and re.search(r"<\w+:\w*(id|reference)>", route):
                    found.append(route)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_staff_url_with_an_object_id_has_a_rule() -> None:
    routes = staff_routes_with_an_object_id()
    assert routes, "the URLconf was not read"
    missing = [route for route in routes if route not in ROWS]
    assert not missing, f"give these views a row in ROWS: {missing}"
    stale = [route for route in ROWS if route not in routes]
    assert not stale, f"these rows name no view any more: {stale}"


def _world(personas: Any) -> dict[str, Any]:
    """One object of each kind, each reachable by exactly the people its rule names."""
    case, _code = assigned_case(personas)
    cases.add_evidence(case=case, files=[SimpleUploadedFile("x.png", b"\x89PNG example")], sender=Sender.SURVIVOR)
    action = cases.add_plan_action(
        case=case, kind="legal", consent_how="verbal", due_on=None, details="x", by=personas.caseworker
    )
    follow_up = cases.schedule_follow_up(
        case=case,
        plan=cases.FollowUpPlan(due_at=timezone.now() + timedelta(days=1), channel="call"),
        by=personas.caseworker,
    )
    export = whatsapp_zip(conversation(5), Layout(phone="android", language="ar"))
    timeline = evidence.import_chat(
        case=case, upload=SimpleUploadedFile("chat.zip", export), by=personas.caseworker, export_name="chat.zip"
    )
    evidence.ensure_items(case=case, keyring=keyring(personas.caseworker), by=personas.caseworker)
    picture = EvidenceItem.objects.get(case=case, file=case.evidence_files.first())
    referral = refer(personas, case, files=[f"file:{picture.pk}"])
    waiting = accounts.create_member(
        actor=personas.org_admin, organisation=personas.ngo, username="waiting", password="x" * 20, roles=["caseworker"]
    )
    question = referrals.ask(referral=referral, by=personas.liaison, text="A question (example).")
    forum = make_forum(personas.me_officer, date(2022, 6, 5))
    team = community.create_team(actor=personas.me_officer, organisation=personas.cpt, area="Qayyarah (example)")
    service = Service.objects.create(
        name="Police unit (example)", kind=ServiceKind.POLICE, organisation=personas.police
    )
    return {
        "reference": case.reference,
        "case_reference": case.reference,
        "team_reference": team_case(personas).reference,
        "referral": referral.reference,
        "evidence_id": case.evidence_files.first().pk,
        "shared_id": SharedFile.objects.get(item=picture).pk,
        "item_id": EvidenceItem.objects.filter(case=case).first().pk,
        "action_id": action.pk,
        "follow_up_id": follow_up.pk,
        "timeline_id": timeline.pk,
        "question_id": question.pk,
        "notification_id": Notification.objects.filter(recipient=personas.caseworker).first().pk,
        "draft_id": intake_drafts.start(user=personas.cpt_member).pk,
        "number": 1,
        "organisation_id": personas.ngo.pk,
        "request_id": KeyRequest.objects.get(member=waiting).pk,
        "member_id": personas.caseworker.pk,
        "forum_id": forum.pk,
        "action_point_id": make_action_point(personas.me_officer, forum).pk,
        "activity_id": make_training(personas.me_officer).pk,
        "forum_target_id": forum.pk,
        "team_id": team.pk,
        "team_member_id": community.add_member(
            actor=personas.me_officer, team=team, name="Example Member", role="member"
        ).pk,
        "session_id": community.record_mentorship(
            actor=personas.me_officer,
            team=team,
            held_on=date(2023, 3, 7),
            mentor="Mentor (example)",
            topics=[],
            members_present=2,
        ).pk,
        "visit": community.request_visit(
            case=case,
            team=team,
            contact_methods=["peace_team"],
            brief="A brief (example).",
            due_on=date(2026, 12, 20),
            by=personas.caseworker,
        ).reference,
        "service_id": service.pk,
        "language": "en",
        "group_id": Group.objects.create(name="Example group").pk,
    }


def _url(route: str, world: dict[str, Any]) -> str:
    """The route with this world's objects put in."""
    values = dict(world)
    if route.startswith("staff/referrals/") and "new/" not in route:
        values["reference"] = world["referral"]
    if route.startswith("staff/referrals/received/"):
        values["evidence_id"] = world["shared_id"]
    if route.startswith("staff/cases/team/"):
        values["reference"] = world["team_reference"]
    if route.startswith("staff/community/visits/"):
        values["reference"] = world["visit"]
    if route.startswith("staff/community/forums/"):
        values["target_id"] = world["forum_target_id"]
    if route.startswith("staff/community/activities/"):
        values["target_id"] = world["activity_id"]
    if route.startswith("staff/community/teams/"):
        values["member_id"] = world["team_member_id"]
    if route.startswith("staff/admin/r/"):
        from django.contrib.contenttypes.models import ContentType

        values["content_type_id"] = ContentType.objects.get_for_model(Service).pk
        values["object_id"] = world["service_id"]
    elif route.startswith("staff/admin/"):
        app_label, model_name = route.split("/")[2:4]
        first = apps.get_model(app_label, model_name).objects.first()
        values["object_id"] = first.pk if first is not None else 0
    return "/" + re.sub(r"<\w+:(\w+)>", lambda match: str(values[match.group(1)]), route)


def _outcome(response: Any) -> Any:
    if response.status_code in (200, 400):
        return OK
    if response.status_code == 302:
        return LOGIN if "/login/" in response["Location"] else OK
    return response.status_code


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_against_every_staff_url_with_an_object_id(personas, login, persona: str) -> None:
    people = personas.all() | {"colleague": colleague(personas, "caseworker.two", Role.CASEWORKER)}
    world = _world(personas)
    client = login(people[persona])
    tries = [(route, "get") for route in ROWS] + sorted(
        ((route, "post") for route in ROWS), key=lambda item: item[0].endswith(LAST)
    )
    seen, wanted = {}, {}
    for route, method in tries:
        response = getattr(client, method)(_url(route, world), {})
        seen[(route, method)] = _outcome(response)
        wanted[(route, method)] = ROWS[route][0 if method == "get" else 1].expected(persona)
    unauthorised = [key for key, value in seen.items() if value == OK and wanted[key] != OK]
    assert not unauthorised, f"{persona} succeeded where the rule refuses: {unauthorised}"
    assert seen == wanted
