from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amana.evidence.identifiers import MAX_IDENTIFIERS, Identifier, parse_identifiers


class PerpetratorIdentifiersField(forms.CharField):
    """A text box for the extortionist's numbers, user names and profile links, one per line.

    Cleans to a list of :class:`Identifier`; every piece that is not one gets its own sentence.
    """

    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("The extortionist's phone numbers, user names and profile links"))
        kwargs.setdefault(
            "help_text",
            _(
                "One per line. For a user name, write the platform first, for example “Instagram: @name”, or "
                "paste the link to the profile."
            ),
        )
        kwargs.setdefault("max_length", 5000)
        kwargs.setdefault(
            "error_messages",
            {"max_length": _("This is too long for a list of identifiers; keep it under 5000 characters.")},
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Identifier]:  # cleans to identifiers, not text
        text = super().clean(value)
        if not text:
            return []
        parsed = parse_identifiers(text)
        errors = [ValidationError(error.message, code=error.code) for error in parsed.errors]
        if len(parsed.identifiers) > MAX_IDENTIFIERS:
            message = ngettext(
                "Enter at most %(count)s identifier.", "Enter at most %(count)s identifiers.", MAX_IDENTIFIERS
            )
            errors.append(ValidationError(message % {"count": MAX_IDENTIFIERS}, code="too_many"))
        if errors:
            raise ValidationError(errors)
        return parsed.identifiers
