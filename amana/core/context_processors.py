from __future__ import annotations

import zlib
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from amana.core.assets import SCRIPT, STYLE
from amana.core.menu import new_count_text, sections_for

# The default neutral name: it says nothing about extortion or help, should someone see the screen.
DEFAULT_SITE_NAME = _("Community information")


def site_name() -> str:
    return settings.AMANA_SITE_NAME or str(DEFAULT_SITE_NAME)


STATIC_FILES = (STYLE, SCRIPT)


@cache
def static_version() -> str:
    """A short checksum of the site's own static files, added to their addresses: browsers may
    keep them for a year (WHITENOISE_MAX_AGE), and a changed file gets a new address."""
    checksum = 0
    for name in STATIC_FILES:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                checksum = zlib.crc32(handle.read(), checksum)
    return f"{checksum:08x}"


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    verified = user is not None and user.is_authenticated and user.is_verified()
    sections = sections_for(user) if verified else []
    count = sum(s.count for s in sections)
    return {
        "site_name": site_name(),
        "nav_sections": sections,
        "nav_count": count,
        "nav_count_text": new_count_text(count),
        "static_version": static_version(),
    }
