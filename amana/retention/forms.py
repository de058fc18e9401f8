from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amana.retention.models import MAX_RETENTION_MONTHS
from amana.retention.services import period_refused


class RetentionForm(forms.Form):
    months = forms.IntegerField(
        label=_("Months a closed case is kept"), error_messages={"invalid": _("Enter a whole number of months.")}
    )

    def clean_months(self) -> int:
        months: int = self.cleaned_data["months"]
        if not 1 <= months <= MAX_RETENTION_MONTHS:
            raise forms.ValidationError(period_refused())
        return months


class HoldForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=9)
