"""The public site's own style sheet and script, written into the pages that open a visit.

On a slow line every round trip counts. The pages a visit starts on carry the style and the script
inside them, and ask the browser to fetch the files in the background (prefetch) for the pages
after them, which link the files and find them in its cache. The Content-Security-Policy allows
these two inline texts by their hashes only: any other inline style or script is still refused.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.utils.safestring import SafeString

STYLE = "amana/amana.css"
SCRIPT = "amana/exit.js"

# The files' comments are for their readers, not for the page: block comments, and whole lines of
# script comment (neither file holds "/*" or "//" inside a string, which the test of this module checks).
COMMENTS = re.compile(r"/\*.*?\*/\n?|^[ \t]*//[^\n]*\n", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Inlined:
    """A static file's text as written into a page, and the CSP source that allows exactly it."""

    text: SafeString
    source: str


@cache
def inlined(name: str) -> Inlined:
    found = finders.find(name)
    if not isinstance(found, str):
        raise ImproperlyConfigured(f"The static file {name} is missing.")
    text = COMMENTS.sub("", Path(found).read_text(encoding="utf-8"))
    if "</" in text:  # it would end the element it is written into
        raise ImproperlyConfigured(f"The static file {name} cannot be written into a page: it holds '</'.")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Inlined(SafeString(text), f"'sha256-{digest}'")
