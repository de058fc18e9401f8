"""An organisation's settings: its keys for signing evidence packages, what packages say about staff,
and what the public site shows first."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from amana.accounts import services
from amana.accounts.access import require_roles
from amana.accounts.forms import FirstScreenForm, PackageNamingForm, RevokeSigningKeyForm
from amana.accounts.models import Organisation, OrganisationKind
from amana.accounts.organisation_views import ADMIN_ROLES
from amana.accounts.selectors import get_organisation_for
from amana.vault import services as vault


def _page(request: HttpRequest, organisation: Organisation, status: int = 200, **forms: Any) -> HttpResponse:
    keys = vault.signing_keys_of(organisation)
    context = {
        "organisation": organisation,
        "keys": [
            {"key": key, "fingerprint": vault.fingerprint(key), "line": vault.public_key_line(key)} for key in keys
        ],
        "revoke_form": forms.get("revoke_form")
        or RevokeSigningKeyForm(key_ids=[key.key_id_text for key in keys if key.revoked_from is None]),
        "naming_form": forms.get("naming_form")
        or PackageNamingForm(initial={"packages_name_staff": organisation.packages_name_staff}),
        # Only an NGO receives the site's reports, so only its choice can be shown to her.
        "first_screen_form": forms.get("first_screen_form")
        or FirstScreenForm(initial={"first_screen": organisation.first_screen})
        if organisation.kind == OrganisationKind.NGO
        else None,
    }
    return render(request, "accounts/organisation_settings.html", context, status=status)


@never_cache
@require_GET
@require_roles(*ADMIN_ROLES)
def organisation_settings(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return _page(request, get_organisation_for(request.user, organisation_id))  # type: ignore[arg-type]


@require_POST
@require_roles(*ADMIN_ROLES)
def new_signing_key(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, organisation_id)  # type: ignore[arg-type]
    key = vault.create_signing_key(organisation=organisation, by=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("New packages are now signed with key %(key)s. Hand its fingerprint to the authorities in person.")
        % {"key": key.key_id_text},
    )
    return redirect("accounts:organisation_settings", organisation_id=organisation.pk)


@require_POST
@require_roles(*ADMIN_ROLES)
def revoke_signing_key(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, organisation_id)  # type: ignore[arg-type]
    keys = {key.key_id_text: key for key in vault.signing_keys_of(organisation) if key.revoked_from is None}
    form = RevokeSigningKeyForm(request.POST, key_ids=list(keys))
    if not form.is_valid():
        return _page(request, organisation, status=400, revoke_form=form)
    key = keys[form.cleaned_data["key"]]
    start = timezone.make_aware(datetime.combine(form.cleaned_data["revoked_from"], time.min))
    vault.revoke_signing_key(key=key, revoked_from=start, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
    messages.success(
        request,
        _("Key %(key)s is revoked: packages it signed from %(date)s on are no longer trusted.")
        % {"key": key.key_id_text, "date": form.cleaned_data["revoked_from"].isoformat()},
    )
    return redirect("accounts:organisation_settings", organisation_id=organisation.pk)


@require_POST
@require_roles(*ADMIN_ROLES)
def package_naming(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, organisation_id)  # type: ignore[arg-type]
    form = PackageNamingForm(request.POST)
    form.is_valid()  # a single optional checkbox: always valid
    services.set_package_naming(
        actor=request.user,  # type: ignore[arg-type]
        organisation=organisation,
        name_staff=form.cleaned_data["packages_name_staff"],
    )
    messages.success(request, _("Saved. New packages follow this choice."))
    return redirect("accounts:organisation_settings", organisation_id=organisation.pk)


@require_POST
@require_roles(*ADMIN_ROLES)
def first_screen(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, organisation_id)  # type: ignore[arg-type]
    if organisation.kind != OrganisationKind.NGO:
        raise Http404
    form = FirstScreenForm(request.POST)
    if not form.is_valid():
        return _page(request, organisation, status=400, first_screen_form=form)
    services.set_first_screen(
        actor=request.user,  # type: ignore[arg-type]
        organisation=organisation,
        first_screen=form.cleaned_data["first_screen"],
    )
    messages.success(request, _("Saved. The public site's home page follows this choice from now on."))
    return redirect("accounts:organisation_settings", organisation_id=organisation.pk)
