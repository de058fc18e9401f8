"""The period, area and comparison an M&E officer chooses; bad input gets a translated message."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from amana.accounts.models import User
from amana.cases.models import District
from amana.insights import programme
from amana.insights.selectors import MAX_MONTHS, Comparison, Period
from amana.insights.services import add_months, last_closed_month

MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month written as 2025-03 (what <input type="month"> sends), kept as its first day."""

    widget = MONTH_INPUT
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as year and month, for example 2025-03.")}

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, str) and len(value) > 7:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class PeriodForm(forms.Form):
    first = MonthField(label=_("From the month"))
    last = MonthField(label=_("To the month"))
    district = forms.ChoiceField(label=_("Area"), required=False)
    activity = forms.ChoiceField(label=_("Compare before and after a forum or activity"), required=False)
    around = MonthField(label=_("Or before and after a month"), required=False)
    window = forms.IntegerField(label=_("Months on each side"), min_value=1, max_value=12, initial=3, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["activity"].choices = [("", _("None")), *programme.activity_choices(user)]  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["district"].choices = [("", _("All areas")), *District.choices]  # type: ignore[attr-defined]  # a ChoiceField

    @staticmethod
    def defaults() -> dict[str, str]:
        last = last_closed_month()
        return {"first": add_months(last, -11).strftime("%Y-%m"), "last": last.strftime("%Y-%m")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                raise forms.ValidationError(_("The last month must not come before the first."))
            if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
                raise forms.ValidationError(
                    ngettext_lazy(
                        "Choose at most %(count)s month at a time.",
                        "Choose at most %(count)s months at a time.",
                        "count",
                    ),
                    params={"count": MAX_MONTHS},
                )
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(first=data["first"], last=data["last"], district=data.get("district") or "")

    def filters(self) -> str:
        """Period, area and comparison, as the audit log keeps them (at most 64 characters)."""
        comparison = self.comparison()
        text = self.period().filters()
        return f"{text} vs {comparison.label}/{comparison.window}" if comparison else text

    def comparison(self) -> Comparison | None:
        chosen = self.cleaned_data.get("activity")
        around = programme.activity_month(self.user, chosen) if chosen else self.cleaned_data.get("around")
        if not around:
            return None
        return Comparison(label=around.strftime("%Y-%m"), month=around, window=self.cleaned_data.get("window") or 3)
