"""Organisations and their members: created, restored and removed by admins, keys included."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amana.accounts import services
from amana.accounts.access import require_roles
from amana.accounts.forms import DeactivateMemberForm, MemberActionForm, MemberForm, OrganisationForm, ReaddMemberForm
from amana.accounts.models import Organisation, Role, User
from amana.accounts.selectors import get_member_for, get_organisation_for, members_of, organisations_managed_by
from amana.vault import services as vault

ADMIN_ROLES = (Role.ORG_ADMIN, Role.SYSTEM_ADMIN)


class WrongRecoveryKey(Exception):
    """The typed recovery key does not open the organisation's key (the form says so)."""


def _recovery_keyring(organisation: Organisation, form: forms.Form) -> vault.Keyring | None:
    """A keyring opened with the organisation's recovery key when one was typed, else None.

    Admins hold no case key themselves: without the recovery key, giving the key waits for an
    approver who holds it. A wrong recovery key adds a form error and raises WrongRecoveryKey.
    """
    recovery_key = form.cleaned_data.get("recovery_key")
    if not recovery_key:
        return None
    try:
        return vault.keyring_from_recovery(organisation=organisation, recovery_key=recovery_key)
    except vault.WrongSecret:
        form.add_error(
            "recovery_key", _("This recovery key does not open the organisation's key. Check it and try again.")
        )
        raise WrongRecoveryKey from None


def _tell_key_waits(request: HttpRequest, member: User) -> None:
    if services.needs_case_key(member) and not member.member_keys.exists():
        messages.info(
            request,
            _("%(name)s can open cases once a supervisor who holds the case key approves.") % {"name": member.username},
        )


@require_GET
@require_roles(*ADMIN_ROLES)
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = organisations_managed_by(request.user)  # type: ignore[arg-type]
    context = {"organisations": organisations, "can_create": request.user.has_role(Role.SYSTEM_ADMIN)}  # type: ignore[union-attr]
    return render(request, "accounts/organisations.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(Role.SYSTEM_ADMIN)
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        # Shown once, in the answer to the POST itself, and never stored readably.
        context = {"organisation": organisation, "recovery_key": organisation.recovery_key}  # type: ignore[attr-defined]
        return render(request, "accounts/recovery_key.html", context)
    return render(request, "accounts/organisation_new.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@require_roles(*ADMIN_ROLES)
def member_list(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, organisation_id)  # type: ignore[arg-type]
    context = {"organisation": organisation, "members": members_of(organisation), "action_form": MemberActionForm()}
    return render(request, "accounts/members.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*ADMIN_ROLES)
def member_new(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, organisation_id)  # type: ignore[arg-type]
    may_make_system_admins = request.user.has_role(Role.SYSTEM_ADMIN)  # type: ignore[union-attr]
    form = MemberForm(request.POST or None, organisation=organisation, may_make_system_admins=may_make_system_admins)
    if request.method == "POST" and form.is_valid():
        try:
            keyring = _recovery_keyring(organisation, form)
        except WrongRecoveryKey:
            pass
        else:
            password = services.temporary_password()
            member = services.create_member(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                username=form.cleaned_data["username"],
                password=password,
                roles=form.cleaned_data["roles"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                keyring=keyring,
                must_change_password=True,
            )
            _tell_key_waits(request, member)
            context = {"organisation": organisation, "member": member, "password": password}
            return render(request, "accounts/member_password.html", context)
    context = {"organisation": organisation, "form": form}
    return render(request, "accounts/member_new.html", context, status=400 if form.errors else 200)


def _key(request: HttpRequest, *, actor: User, member: User, keyring: vault.Keyring | None) -> None:
    """Give the key with the recovery key, or propose the member for a supervisor's approval."""
    try:
        if keyring is not None:
            services.give_member_key(actor=actor, member=member, keyring=keyring)
            messages.success(request, _("%(name)s can now open the organisation's data.") % {"name": member.username})
        else:
            services.propose_member_key(actor=actor, member=member)
            _tell_key_waits(request, member)
    except services.KeyRefused as refused:
        messages.error(request, str(refused))


def _member_for_admin(request: HttpRequest, organisation_id: int, member_id: int) -> tuple[Organisation, User, User]:
    member = get_member_for(request.user, organisation_id, member_id)  # type: ignore[arg-type]
    organisation = get_organisation_for(request.user, organisation_id)  # type: ignore[arg-type]
    actor: User = request.user  # type: ignore[assignment]
    if member.has_role(Role.SYSTEM_ADMIN) and not actor.has_role(Role.SYSTEM_ADMIN):
        # Otherwise an organisation admin could take over a system admin's account.
        raise PermissionDenied
    return organisation, member, actor


@never_cache
@require_POST
@require_roles(*ADMIN_ROLES)
def member_action(request: HttpRequest, organisation_id: int, member_id: int) -> HttpResponse:
    """Reset a password or second factor, or give the organisation's key (deactivating has its own page)."""
    organisation, member, actor = _member_for_admin(request, organisation_id, member_id)
    form = MemberActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That action could not be done. Choose it again from the list."))
        return redirect("accounts:members", organisation_id=organisation.pk)
    action = form.cleaned_data["action"]
    if action == "second_factor":
        services.reset_member_second_factor(actor=actor, member=member)
        messages.success(
            request, _("%(name)s will set up a new authenticator at the next sign-in.") % {"name": member.username}
        )
    else:
        try:
            keyring = _recovery_keyring(organisation, form)
        except WrongRecoveryKey:
            for error in form.errors.get("recovery_key", []):
                messages.error(request, str(error))
            return redirect("accounts:members", organisation_id=organisation.pk)
        if action == "key":
            _key(request, actor=actor, member=member, keyring=keyring)
        else:
            password = services.reset_member_password(actor=actor, member=member, keyring=keyring)
            _tell_key_waits(request, member)
            return render(
                request,
                "accounts/member_password.html",
                {"organisation": organisation, "member": member, "password": password, "reset": True},
            )
    return redirect("accounts:members", organisation_id=organisation.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*ADMIN_ROLES)
def member_deactivate(request: HttpRequest, organisation_id: int, member_id: int) -> HttpResponse:
    """Someone left: a page of its own that says what happens and asks for their user name."""
    organisation, member, actor = _member_for_admin(request, organisation_id, member_id)
    if member.pk == actor.pk or not member.is_active:
        messages.error(
            request,
            _("You cannot deactivate your own account.")
            if member.pk == actor.pk
            else _("%(name)s is already deactivated.") % {"name": member.username},
        )
        return redirect("accounts:members", organisation_id=organisation.pk)
    form = DeactivateMemberForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        services.deactivate_member(actor=actor, member=member)
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": member.username})
        return redirect("accounts:members", organisation_id=organisation.pk)
    context = {"organisation": organisation, "member": member, "form": form}
    return render(request, "accounts/member_deactivate.html", context, status=400 if form.errors else 200)


@never_cache
@require_POST
@require_roles(*ADMIN_ROLES)
def member_readd(request: HttpRequest, organisation_id: int, member_id: int) -> HttpResponse:
    """Undo a deactivation: a new key pair, a temporary password and a new authenticator."""
    organisation, member, actor = _member_for_admin(request, organisation_id, member_id)
    if member.is_active:
        messages.error(request, _("%(name)s is not deactivated.") % {"name": member.username})
        return redirect("accounts:members", organisation_id=organisation.pk)
    form = ReaddMemberForm(request.POST)
    try:
        if not form.is_valid():
            raise WrongRecoveryKey
        keyring = _recovery_keyring(organisation, form)
    except WrongRecoveryKey:
        for error in form.errors.get("recovery_key", []):
            messages.error(request, str(error))
        return redirect("accounts:members", organisation_id=organisation.pk)
    password = services.readd_member(actor=actor, member=member, keyring=keyring)
    _tell_key_waits(request, member)
    context = {"organisation": organisation, "member": member, "password": password, "readded": True}
    return render(request, "accounts/member_password.html", context)
