"""Strings that Django translates but amana words for Iraq: marked here so that the catalogues of
amana.core carry them, and amana's apps come before Django's in INSTALLED_APPS."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# Django adds ":" after a form label unless it ends in one of these; Arabic and Kurdish questions
# end in "؟", which must stop it too (no "؟:").
LABEL_PUNCTUATION = _(":?.!")

# Month names as used in Iraq (كانون الثاني، شباط ...), not the Egyptian forms of Django's Arabic.
MONTHS = (
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
)


def choice_label(choices: type[models.Choices], value: Any) -> str:
    """The translated label of a stored choice, found at once: Django's get_FOO_display translates
    every label of the list to find one. A value no longer offered shows as itself, as there."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)
