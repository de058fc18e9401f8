from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.i18n import set_language

LAST_SEEN = "amana_last_seen"
EPOCH = "amana_epoch"


class StaffSessionMiddleware:
    """Ends idle or revoked staff sessions and keeps the unverified away from every staff page.

    A signed-in user who has not passed the second factor reaches only the views marked with
    amana.accounts.access.allows_unverified (enrolment, the code form, logging out).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN, now)
            if request.session.get(EPOCH) != user.session_epoch:
                return self._end(request, _("Your session was ended. Please sign in again."))
            if now - last_seen > settings.AMANA_IDLE_TIMEOUT_SECONDS:
                return self._end(request, _("You were signed out after a period of inactivity."))
            request.session[LAST_SEEN] = now
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or view_func is set_language:
            return None
        if user.is_verified():
            return self._temporary_password(request, user, view_func)
        if getattr(view_func, "amana_allows_unverified", False):
            return None
        has_device = user.totpdevice_set.filter(confirmed=True).exists()
        return redirect("accounts:verify" if has_device else "accounts:enrol")

    @staticmethod
    def _temporary_password(request: HttpRequest, user: Any, view_func: Callable[..., Any]) -> HttpResponse | None:
        """A member still on the temporary password an admin gave them chooses their own first."""
        if not user.must_change_password or getattr(view_func, "amana_allows_temporary_password", False):
            return None
        messages.info(request, _("Choose your own password before you go on: the one you were given was temporary."))
        return redirect("accounts:account")

    @staticmethod
    def _end(request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, message)
        return redirect("accounts:login")
