"""Readable, translated names for audit actions and objects (the log itself stores plain codes)."""

from __future__ import annotations

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "access.refused": _("Was refused a page or a case"),
    "login.succeeded": _("Signed in"),
    "login.locked": _("Account locked after failed sign-ins"),
    "logout": _("Signed out"),
    "audit.exported": _("Exported part of the audit log"),
    "logout.everywhere": _("Signed out on every device"),
    "password.changed": _("Changed their password"),
    "2fa.enrolled": _("Set up an authenticator app"),
    "organisation.created": _("Created an organisation"),
    "member.created": _("Added a member"),
    "member.deactivated": _("Deactivated a member"),
    "member.readded": _("Added a deactivated member again"),
    "member.password_reset": _("Reset a member's password"),
    "member.second_factor_reset": _("Reset a member's authenticator"),
    "member.key_given": _("Gave a member the organisation's key"),
    "member.key_proposed": _("Proposed a member for the case key"),
    "member.key_approved": _("Approved giving a member the case key"),
    "vault.opened": _("Opened protected data"),
    "vault.opened_by_survivor": _("The survivor opened her messages"),
    "vault.granted": _("Shared protected data with an organisation"),
    "vault.revoked": _("Withdrew an organisation's access to protected data"),
    "vault.shredded": _("Destroyed protected data for good"),
    "vault.signing_key_created": _("Made a new key for signing evidence packages"),
    "vault.signing_key_revoked": _("Revoked a key for signing evidence packages"),
    "organisation.package_naming_changed": _("Changed who evidence packages name"),
    "organisation.first_screen_changed": _("Changed what the public site shows first"),
    "case.created": _("A case was created"),
    "intake.draft_started": _("Started recording a report (a sealed draft)"),
    "intake.draft_discarded": _("Deleted an unfinished report"),
    "intake.draft_expired": _("An unfinished report was deleted after lying unused"),
    "intake.draft_recorded": _("Recorded a report from its draft (the draft was deleted)"),
    "case.opened": _("Opened a case"),
    "case.acted_on_unassigned": _("Acted on a case assigned to someone else"),
    "case.assigned": _("Assigned a case"),
    "case.risk_assessed": _("Assessed safety and risk"),
    "case.safeguarding_recorded": _("Recorded the safeguarding step of a girl's case"),
    "case.closure_requested": _("Asked to close a case"),
    "case.closure_approved": _("Approved closing a case"),
    "case.closure_override_risk": _("Closed a case without a risk assessment since its last danger sign"),
    "case.closure_override_plan": _("Closed a case without her plan reviewed"),
    "case.closure_override_feedback": _("Closed a case without her feedback or why it was not asked"),
    "case.closure_override_referrals": _("Closed a case with referrals still open"),
    "case.closure_override_safeguarding": _("Closed a girl's case without its safeguarding step"),
    "case.handed_over": _("Handed a case over to the NGO"),
    "case.duress_code_used": _("The duress code was used"),
    "case.consent_changed": _("Her sharing choices changed"),
    "case.consent_recorded": _("Recorded the sharing choices she gave in person, by phone or on a signed form"),
    "case.evidence_added": _("Added evidence to a case"),
    "case.message_from_survivor": _("The survivor wrote a message"),
    "case.message_from_staff": _("Wrote to the survivor"),
    "case.status_new": _("Marked a case as new"),
    "case.status_in_progress": _("Marked a case as in progress"),
    "case.status_closed": _("Closed a case"),
    "case.incident_edited": _("Edited what happened"),
    "case.contact_plan_changed_by_her": _("She changed her safe-contact plan on the site"),
    "case.contact_plan_corrected": _("Changed her safe-contact plan with her"),
    "case.plan_action_added": _("Added a step to her plan"),
    "case.plan_action_planned": _("Planned a step of her plan again"),
    "case.plan_action_done": _("Marked a step of her plan as done"),
    "case.plan_action_dropped": _("Dropped a step of her plan"),
    "case.follow_up_scheduled": _("Planned a follow-up"),
    "case.follow_up_done": _("Recorded a follow-up as done"),
    "case.follow_up_missed": _("Recorded a follow-up as missed"),
    "case.closure_returned": _("Returned a closure to the caseworker"),
    "case.reopened": _("Reopened a case"),
    "channel.duress_code_set": _("The survivor set a duress code"),
    "channel.duress_code_removed": _("The survivor removed her duress code"),
    "referral.consent_withdrawn": _("Her consent for a referral was withdrawn"),
    "referral.expired": _("A referral's consent expired"),
    "referral.action_identified": _("Recorded that the extortionist was identified"),
    "referral.action_warned": _("Recorded that the extortionist was warned"),
    "referral.action_arrested": _("Recorded that the extortionist was arrested"),
    "referral.action_account_removed": _("Recorded that an account was removed"),
    "referral.action_content_removed": _("Recorded that content was removed"),
    "referral.action_investigation": _("Recorded that an investigation was opened"),
    "referral.action_session_held": _("Recorded a session held with her"),
    "referral.action_advice_given": _("Recorded advice given to her"),
    "referral.action_other": _("Recorded another action on a referral"),
    "referral.done": _("Finished a referral"),
    "referral.question_asked": _("Asked a question about a referral"),
    "referral.question_answered": _("Answered a question about a referral"),
    "referral.scheduled": _("Set a date for a referral"),
    "referral.outcome_report_filed": _("Recorded that her report was registered"),
    "referral.outcome_statement_taken": _("Recorded that the authority heard her"),
    "referral.outcome_not_registered": _("Recorded that her report was not registered"),
    "referral.outcome_changed_mind": _("Recorded that she chose not to go on"),
    "referral.outcome_postponed": _("Recorded that a referral was postponed"),
    "referral.opened_by_partner": _("A partner opened a referral"),
    "referral.ended_case_closed": _("A referral ended because the case was closed"),
    "referral.keys_ended": _("A partner's keys to a referral ended"),
    "referral.override_confirmed_by_consent": _("She consented to a referral made in an emergency"),
    "referral.override_ended": _("An emergency referral ended without her consent"),
    "referral.override_ending_notified": _("The caseworker was told an emergency referral is ending"),
    "retention.set": _("Set how long closed cases are kept"),
    "retention.hold_placed": _("Placed a legal hold on a case"),
    "retention.hold_lifted": _("Lifted a legal hold on a case"),
    "retention.deletion_requested": _("The survivor asked to delete her report"),
    "retention.deletion_requested_under_duress": _("Deleting the report was asked under the duress code"),
    "case.shredded_on_request": _("A case was destroyed at her request"),
    "case.shredded_at_retention_end": _("A case was destroyed at the end of its retention period"),
    "referral.evidence_downloaded": _("A partner downloaded evidence of a referral"),
    "evidence.added": _("Added evidence files"),
    "evidence.hashed": _("Fingerprinted evidence files"),
    "evidence.received": _("Received and sealed evidence"),
    "evidence.viewed": _("Viewed an evidence file"),
    "evidence.downloaded": _("Downloaded an evidence file"),
    "evidence.exported": _("Exported evidence in a package"),
    "evidence.chat_imported": _("Imported a chat export"),
    "evidence.identifiers_confirmed": _("Confirmed the extortionist's identifiers"),
    "evidence.repeat_identifier_found": _("An extortionist's identifier was found in another case"),
    "evidence.pdq_computed": _("Compared images with known ones"),
    "community.forum.created": _("Recorded a security forum"),
    "community.concern.added": _("Added a concern raised at a forum"),
    "community.action_point.added": _("Added an action point"),
    "community.action_point.reviewed": _("Reviewed an action point"),
    "community.attendance.set": _("Recorded attendance"),
    "community.attendance.imported": _("Imported attendance from a sheet"),
    "community.activity.created": _("Recorded a training or an awareness event"),
    "community.scores.set": _("Recorded knowledge scores"),
    "community.material.added": _("Recorded materials handed out"),
    "community.catalogue.added": _("Added to a catalogue"),
    "community.team.created": _("Created a peace team"),
    "community.team_member.added": _("Added a peace-team member"),
    "community.team_member.trained": _("Recorded a peace-team member's training"),
    "community.mentorship.recorded": _("Recorded a mentorship session"),
    "community.visit.requested": _("Asked a peace team for a follow-up visit"),
    "community.visit.recorded": _("Recorded a follow-up visit"),
    "insights.released": _("Released a month's figures"),
    "insights.viewed": _("Viewed the figures"),
    "insights.exported.csv": _("Exported figures as CSV"),
    "insights.exported.xlsx": _("Exported figures as a spreadsheet"),
    "insights.exported.pdf": _("Exported figures as PDF"),
    "referral.created": _("Made a referral"),
    "referral.emergency_override": _("Referred without consent, in an emergency"),
    "referral.withdrawn": _("Withdrew a referral"),
    "referral.accepted": _("Accepted a referral"),
    "referral.declined": _("Declined a referral"),
    "evidence.package_made": _("Made an evidence package"),
    "directory.entry.entered": _("Entered a directory entry's words in another language, giving the reason"),
    "directory.entry.corrected": _("Corrected a directory entry's words, giving the reason"),
}
# For actions without their own wording: the area they belong to.
AREAS: dict[str, Promise] = {
    "access": _("Refused attempts"),
    "login": _("Sign-in"),
    "audit": _("Audit log"),
    "member": _("Members"),
    "vault": _("Protected data"),
    "case": _("Case handling"),
    "channel": _("Survivor site"),
    "referral": _("Referrals"),
    "evidence": _("Evidence"),
    "community": _("Community programme"),
    "insights": _("Insights"),
    "retention": _("Retention and deletion"),
}
# Corrections of programme records: "community.<record>.<kind>", one wording per kind.
CORRECTIONS: dict[str, Promise] = {
    "corrected": _("Corrected a programme record, giving the reason"),
    "removed": _("Removed a programme record, keeping it for released figures"),
    "deleted": _("Deleted a programme record, giving the reason"),
}


OPENINGS_LABEL = _("Openings of cases (one row per person per case per visit)")


def action_label(code: str) -> str:
    if code in ACTIONS:
        return str(ACTIONS[code])
    record, _sep, kind = code.rpartition(".")
    if record.startswith("community.") and kind in CORRECTIONS:
        return str(CORRECTIONS[kind])
    area = AREAS.get(code.split(".", 1)[0])
    return f"{area} · {code}" if area else code


def object_label(object_type: str) -> str:
    """The translated name of a model label such as "accounts.user", else the label itself."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)
