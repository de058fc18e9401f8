from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from amana.core.menu import sections_for

# The default neutral name: it says nothing about extortion or help, should someone see the screen.
DEFAULT_SITE_NAME = _("Community information")


def site_name() -> str:
    return settings.AMANA_SITE_NAME or str(DEFAULT_SITE_NAME)


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    verified = user is not None and user.is_authenticated and user.is_verified()
    sections = sections_for(user) if verified else []
    return {"site_name": site_name(), "nav_sections": sections, "nav_count": sum(s.count for s in sections)}
