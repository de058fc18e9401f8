"""Writes for organisations, staff members and sign-in; each records itself in the audit log."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts.models import (
    KEY_APPROVER_ROLES,
    KEY_ROLES,
    ROLE_ORGANISATION_KINDS,
    KeyRequest,
    LoginThrottle,
    Organisation,
    Role,
    RoleAssignment,
    User,
)
from amana.audit.services import record
from amana.vault import services as vault


class RoleNotAllowed(ValueError):
    """A role was given to a member of an organisation kind it does not belong in."""


@transaction.atomic
def create_organisation(*, actor: User | None, name: str, kind: str, area: str = "") -> Organisation:
    """Create an organisation with its key pair.

    The returned object carries ``recovery_key``: the printable key that restores access when
    members forget their passwords. It is never stored in readable form; show it once.
    """
    organisation = Organisation.objects.create(name=name, kind=kind, area=area)
    organisation.recovery_key = vault.create_organisation_key(organisation=organisation)  # type: ignore[attr-defined]  # shown once, never saved
    record(actor=actor, action="organisation.created", target=organisation)
    return organisation


@transaction.atomic
def create_member(
    *,
    actor: User | None,
    organisation: Organisation,
    username: str,
    password: str,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    keyring: vault.Keyring | None = None,
    must_change_password: bool = False,
) -> User:
    """Create a staff member of one organisation with one or more roles, and their key pair.

    Only roles that handle cases get the organisation's key (KEY_ROLES). With a keyring opened with
    the recovery key it is sealed to the new member at once; otherwise the member is proposed for
    it, and can open nothing until someone who holds it approves (approve_member_key).
    System admins are also Django superusers so that the admin site works for them; the admin
    site itself still demands the system-admin role and the second factor.
    """
    roles = sorted(set(roles))
    if not roles:
        raise RoleNotAllowed("A staff member needs at least one role.")
    for role in roles:
        if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
            raise RoleNotAllowed(f"The role {role} does not belong in a {organisation.kind} organisation.")
    is_system_admin = Role.SYSTEM_ADMIN in roles
    user = User(
        username=username,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_system_admin,
        is_superuser=is_system_admin,
        must_change_password=must_change_password,
    )
    user.set_password(password)
    user.save()
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=role) for role in roles])
    vault.create_user_key(user=user, password=password)
    record(actor=actor, action="member.created", target=user)
    if needs_case_key(user):
        if keyring is not None:
            give_member_key(actor=actor, member=user, keyring=keyring)
        else:
            propose_member_key(actor=actor, member=user)
    return user


def temporary_password() -> str:
    """A password to hand over once; long and random enough to pass every validator."""
    return f"tmp-{secrets.token_urlsafe(15)}"


@transaction.atomic
def deactivate_member(*, actor: User, member: User) -> None:
    """Someone leaves: they can no longer sign in, their sessions end and their copy of the
    organisation's key is deleted, so even their old password opens nothing."""
    member.is_active = False
    member.save(update_fields=["is_active"])
    User.objects.filter(pk=member.pk).update(session_epoch=F("session_epoch") + 1)
    if member.organisation is not None:
        vault.remove_member_key(organisation=member.organisation, user=member)
    record(actor=actor, action="member.deactivated", target=member)


@transaction.atomic
def reset_member_password(*, actor: User, member: User, keyring: vault.Keyring | None = None) -> str:
    """A member forgot their password: a temporary one and a new key pair.

    The organisation's key is sealed to the new pair only from a keyring opened with the recovery
    key; otherwise a member whose role needs it is proposed for it again, so an admin who resets a
    password never hands case keys to anyone alone.
    """
    password = _hand_over_temporary_password(member=member, keyring=keyring)
    record(actor=actor, action="member.password_reset", target=member)
    if keyring is None and needs_case_key(member):
        propose_member_key(actor=actor, member=member)
    return password


def _hand_over_temporary_password(*, member: User, keyring: vault.Keyring | None) -> str:
    """A temporary password and a new key pair locked under it, every old session ended; the
    member must choose their own password at the next sign-in."""
    password = temporary_password()
    vault.reset_user_key(user=member, new_password=password, keyring=keyring if needs_case_key(member) else None)
    member.set_password(password)
    member.must_change_password = True
    member.save(update_fields=["password", "must_change_password"])
    User.objects.filter(pk=member.pk).update(session_epoch=F("session_epoch") + 1)
    clear_login_failures(member.username)
    return password


@transaction.atomic
def readd_member(*, actor: User, member: User, keyring: vault.Keyring | None = None) -> str:
    """Undo a deactivation: the member comes back with a new key pair, a temporary password and a
    new authenticator (the old phone may have gone with the old job). The case key follows the
    same rule as a reset: from the recovery key, or proposed for a supervisor's approval."""
    if member.is_active:
        raise RoleNotAllowed("Only a deactivated member can be added again.")
    member.is_active = True
    member.save(update_fields=["is_active"])
    password = _hand_over_temporary_password(member=member, keyring=keyring)
    TOTPDevice.objects.filter(user=member).delete()
    record(actor=actor, action="member.readded", target=member)
    if keyring is None and needs_case_key(member):
        propose_member_key(actor=actor, member=member)
    return password


@transaction.atomic
def reset_member_second_factor(*, actor: User, member: User) -> None:
    """A member lost their phone: they enrol a new authenticator at their next sign-in."""
    TOTPDevice.objects.filter(user=member).delete()
    User.objects.filter(pk=member.pk).update(session_epoch=F("session_epoch") + 1)
    record(actor=actor, action="member.second_factor_reset", target=member)


# The case key: by need, and given by two people ---------------------------------------------------


class KeyRefused(Exception):
    """Giving the case key is not allowed now; the message is a whole translated sentence."""


def needs_case_key(member: User) -> bool:
    return member.has_role(*KEY_ROLES)


def may_approve_keys(user: User) -> bool:
    """Whether this person may approve giving the case key in their organisation: the approving
    role of its kind (a supervisor in an NGO), holding the key already."""
    organisation = user.organisation
    if organisation is None or not user.is_active:
        return False
    return user.has_role(KEY_APPROVER_ROLES[organisation.kind]) and vault.holds_member_key(
        organisation=organisation, user=user
    )


def _require_needs_key(member: User) -> Organisation:
    if member.organisation is None or not needs_case_key(member):
        raise KeyRefused(_("This member's role needs no case key, so none is given."))
    return member.organisation


@transaction.atomic
def give_member_key(*, actor: User | None, member: User, keyring: vault.Keyring) -> None:
    """Seal the organisation's key to a member from a keyring opened with the recovery key (the
    paper key kept offline by two people), for the first members or when no approver is left."""
    organisation = _require_needs_key(member)
    vault.add_member_key(organisation=organisation, user=member, keyring=keyring)
    KeyRequest.objects.filter(member=member, approved_at__isnull=True).update(
        approved_by=actor, approved_at=timezone.now()
    )
    record(actor=actor, action="member.key_given", target=member)


@transaction.atomic
def propose_member_key(*, actor: User | None, member: User) -> KeyRequest:
    """An admin proposes that a member get the case key; it waits for an approver's decision."""
    organisation = _require_needs_key(member)
    if vault.holds_member_key(organisation=organisation, user=member):
        raise KeyRefused(_("This member already holds the case key."))
    request, created = KeyRequest.objects.get_or_create(
        member=member, approved_at__isnull=True, defaults={"organisation": organisation, "proposed_by": actor}
    )
    if created:
        record(actor=actor, action="member.key_proposed", target=member)
    return request


@transaction.atomic
def approve_member_key(*, approver: User, request: KeyRequest, keyring: vault.Keyring) -> None:
    """The second person: someone who holds the key approves, and the approval seals it to the member.

    Refused when the request was already decided (a replayed approval), when the approver proposed
    it, or when the approver may not approve keys in the member's organisation.
    """
    request = (
        KeyRequest.objects.select_for_update(of=("self",)).select_related("member__organisation").get(pk=request.pk)
    )
    if request.approved_at is not None:
        raise KeyRefused(_("This request was already approved."))
    if request.proposed_by_id == approver.pk or request.member_id == approver.pk:
        raise KeyRefused(_("You proposed this member yourself, so someone else must approve."))
    if request.organisation_id != approver.organisation_id or not may_approve_keys(approver):
        raise KeyRefused(_("Only a supervisor who holds the case key can approve this."))
    vault.add_member_key(organisation=request.organisation, user=request.member, keyring=keyring)
    request.approved_by = approver
    request.approved_at = timezone.now()
    request.save(update_fields=["approved_by", "approved_at"])
    record(actor=approver, action="member.key_approved", target=request.member)


def _name_hash(name: str) -> str:
    return vault.login_throttle_hash(name.strip().casefold())


def login_allowed(name: str) -> bool:
    now = timezone.now()
    return not LoginThrottle.objects.filter(name_hash=_name_hash(name), locked_until__gt=now).exists()


@transaction.atomic
def note_login_failure(name: str) -> bool:
    """Count a failed password or code for this name; return True when the name is now locked.

    Failures older than the lockout window are forgotten, so an occasional typo never adds up.
    """
    now = timezone.now()
    window = timedelta(seconds=settings.AMANA_LOGIN_LOCKOUT_SECONDS)
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(
        name_hash=_name_hash(name), defaults={"window_started_at": now}
    )
    if now - throttle.window_started_at > window:
        throttle.failures = 0
        throttle.window_started_at = now
    throttle.failures += 1
    if throttle.failures >= settings.AMANA_LOGIN_MAX_FAILURES:
        throttle.locked_until = now + window
        user = User.objects.filter(username=name).first()
        record(actor=None, action="login.locked", target=user, object_type="user")
    throttle.save()
    return throttle.locked_until is not None and throttle.locked_until > now


def clear_login_failures(name: str) -> None:
    LoginThrottle.objects.filter(name_hash=_name_hash(name)).delete()


@transaction.atomic
def confirm_totp_device(*, user: User, device: TOTPDevice) -> None:
    # One confirmed device per person: enrolling again replaces the old one.
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=user, action="2fa.enrolled", target=user)


def record_login(*, user: User) -> None:
    record(actor=user, action="login.succeeded", target=user)


def record_logout(*, user: User) -> None:
    record(actor=user, action="logout", target=user)


@transaction.atomic
def log_out_everywhere(*, user: User) -> None:
    """End every session of this person, on every device, including the current one."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    record(actor=user, action="logout.everywhere", target=user)


@transaction.atomic
def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Change the password and re-lock the user's private key under it (the key itself stays)."""
    if hasattr(user, "vault_key"):
        vault.change_user_password(user=user, current_password=current_password, new_password=new_password)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(actor=user, action="password.changed", target=user)


@transaction.atomic
def set_first_screen(*, actor: User, organisation: Organisation, first_screen: str) -> None:
    """What the public home page shows first when this NGO receives the site's reports."""
    organisation.first_screen = first_screen
    organisation.save(update_fields=["first_screen"])
    record(actor=actor, action="organisation.first_screen_changed", target=organisation)


@transaction.atomic
def set_package_naming(*, actor: User, organisation: Organisation, name_staff: bool) -> None:
    """Whether the organisation's evidence packages name staff, or only their roles, in each file's custody."""
    organisation.packages_name_staff = name_staff
    organisation.save(update_fields=["packages_name_staff"])
    record(actor=actor, action="organisation.package_naming_changed", target=organisation)
