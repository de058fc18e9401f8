"""The case key's second person: a supervisor who holds it approves what an admin proposed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from amana.accounts import selectors, services
from amana.accounts.access import require_roles, with_keyring
from amana.accounts.models import KEY_APPROVER_ROLES
from amana.vault.services import VaultError

APPROVER_ROLES = tuple(sorted(set(KEY_APPROVER_ROLES.values())))


@require_GET
@require_roles(*APPROVER_ROLES)
def key_requests(request: HttpRequest) -> HttpResponse:
    waiting = selectors.key_requests_for(request.user)  # type: ignore[arg-type]  # verified staff
    return render(request, "accounts/key_requests.html", {"waiting": waiting})


@never_cache
@require_POST
@require_roles(*APPROVER_ROLES)
@with_keyring
def approve_key(request: HttpRequest, request_id: int, *, keyring: Any) -> HttpResponse:
    key_request = selectors.get_key_request_for(request.user, request_id)  # type: ignore[arg-type]  # verified staff
    try:
        services.approve_member_key(approver=request.user, request=key_request, keyring=keyring)  # type: ignore[arg-type]
    except services.KeyRefused as refused:
        messages.error(request, str(refused))
    except VaultError:
        messages.error(request, _("Your keys do not open the organisation's key, so nothing was given."))
    else:
        messages.success(request, _("%(name)s now holds the case key.") % {"name": key_request.member.username})
    return redirect("accounts:key_requests")
