from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class AmanaAdminSite(admin.AdminSite):
    """The admin is for system admins who passed the second factor; everyone else is turned away.

    Its own login form is replaced by amana's, so the admin has no way around 2FA or lockout.
    """

    site_header = _("amana administration")
    site_title = _("amana administration")
    index_title = _("System administration")

    def has_permission(self, request: HttpRequest) -> bool:
        from amana.accounts.access import is_system_admin

        return is_system_admin(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        next_url = request.GET.get("next", reverse("admin:index"))
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
