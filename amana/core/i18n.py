"""Strings that Django translates but amana words for Iraq: marked here so that the catalogues of
amana.core carry them, and amana's apps come before Django's in INSTALLED_APPS."""

from functools import cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str
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
    """The translated label of a stored choice read as a column; a value no longer offered shows
    as itself, as Django shows it."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@cache
def _labels_of(field: models.Field) -> dict[Any, Any]:
    # The labels stay lazy: each is translated when shown, in the reader's language.
    return dict(field.flatchoices)


class ChoiceLabels:
    """A model mixin: each ``get_FOO_display`` translates the one label it shows. Django's own
    translates every label of the field's choices on each call (it hashes them to find the one),
    which costs a list of cases dozens of translations per row."""

    def _get_FIELD_display(self, field: models.Field) -> Any:  # the name Django calls
        value = getattr(self, field.attname)
        if not isinstance(field.choices, list | tuple):  # choices from a callable may change: Django's way
            return super()._get_FIELD_display(field)  # type: ignore[misc]  # the model's own
        try:
            label = _labels_of(field).get(value, value)
        except TypeError:  # a value that cannot be looked up (a list): Django's way
            return super()._get_FIELD_display(field)  # type: ignore[misc]  # the model's own
        return force_str(label, strings_only=True)
