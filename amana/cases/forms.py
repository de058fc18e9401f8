from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amana.cases.models import Status

MESSAGE_MAX_LENGTH = 5000


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        error_messages={
            "required": _("Write a message first."),
            "max_length": _("A message has at most %(limit_value)d characters; this one has %(show_value)d."),
        },
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Status.choices,
        error_messages={"required": _("Choose a status."), "invalid_choice": _("Choose one of the statuses.")},
    )
