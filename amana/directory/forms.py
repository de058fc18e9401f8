from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amana.cases.models import District
from amana.directory.models import ServiceKind


class DirectoryFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("Every area")), *District.choices])
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Every type")), *ServiceKind.choices])
