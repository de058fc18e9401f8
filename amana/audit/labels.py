"""Readable, translated names for audit actions and objects (the log itself stores plain codes)."""

from __future__ import annotations

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "login.succeeded": _("Signed in"),
    "login.locked": _("Account locked after failed sign-ins"),
    "logout": _("Signed out"),
    "logout.everywhere": _("Signed out on every device"),
    "password.changed": _("Changed their password"),
    "2fa.enrolled": _("Set up an authenticator app"),
    "organisation.created": _("Created an organisation"),
    "member.created": _("Added a member"),
    "member.deactivated": _("Deactivated a member"),
    "member.password_reset": _("Reset a member's password"),
    "member.second_factor_reset": _("Reset a member's authenticator"),
    "member.key_given": _("Gave a member the organisation's key"),
    "vault.opened": _("Opened protected data"),
    "vault.opened_by_survivor": _("The survivor opened her messages"),
    "vault.granted": _("Shared protected data with an organisation"),
    "vault.revoked": _("Withdrew an organisation's access to protected data"),
    "vault.shredded": _("Destroyed protected data for good"),
    "vault.signing_key_created": _("Made a new key for signing evidence packages"),
    "vault.signing_key_revoked": _("Revoked a key for signing evidence packages"),
    "organisation.package_naming_changed": _("Changed who evidence packages name"),
    "case.created": _("A case was created"),
    "case.opened": _("Opened a case"),
    "case.acted_on_unassigned": _("Acted on a case assigned to someone else"),
    "case.assigned": _("Assigned a case"),
    "case.risk_assessed": _("Assessed safety and risk"),
    "case.closure_requested": _("Asked to close a case"),
    "case.closure_approved": _("Approved closing a case"),
    "case.handed_over": _("Handed a case over to the NGO"),
    "case.duress_code_used": _("The duress code was used"),
    "case.consent_changed": _("Her sharing choices changed"),
    "referral.created": _("Made a referral"),
    "referral.emergency_override": _("Referred without consent, in an emergency"),
    "referral.withdrawn": _("Withdrew a referral"),
    "referral.accepted": _("Accepted a referral"),
    "referral.declined": _("Declined a referral"),
    "evidence.package_made": _("Made an evidence package"),
}
# For actions without their own wording: the area they belong to.
AREAS: dict[str, Promise] = {
    "login": _("Sign-in"),
    "member": _("Members"),
    "vault": _("Protected data"),
    "case": _("Case handling"),
    "channel": _("Survivor site"),
    "referral": _("Referrals"),
    "evidence": _("Evidence"),
    "community": _("Community programme"),
    "insights": _("Insights"),
}


def action_label(code: str) -> str:
    if code in ACTIONS:
        return str(ACTIONS[code])
    area = AREAS.get(code.split(".", 1)[0])
    return f"{area} · {code}" if area else code


def object_label(object_type: str) -> str:
    """The translated name of a model label such as "accounts.user", else the label itself."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)
