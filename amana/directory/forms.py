from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amana.cases.models import District
from amana.directory.models import ServiceKind


class DirectoryFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("Every area")), *District.choices])
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Every type")), *ServiceKind.choices])


class EntryWordsForm(forms.Form):
    """An entry's words in one language, and why they are entered or corrected."""

    name = forms.CharField(label=_("Name"), max_length=200)
    hours = forms.CharField(label=_("Hours"), max_length=120, required=False)
    languages = forms.CharField(label=_("Languages spoken"), max_length=120, required=False)
    accepts = forms.CharField(label=_("What it accepts"), max_length=2000, required=False, widget=forms.Textarea)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why these words are entered or corrected, for example: the hours changed."),
    )
