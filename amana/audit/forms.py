from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amana.accounts.models import User
from amana.audit.selectors import Filters, action_choices, case_for_filter
from amana.core.widgets import DateInput

# The longest period one view or export may cover; a case or a person narrows it further.
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)


class AuditFilterForm(forms.Form):
    case = forms.CharField(
        label=_("Case reference"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "placeholder": "K7Q2-93XD"}),
    )
    person = forms.CharField(
        label=_("Person (name or user name)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    action = forms.ChoiceField(label=_("What was done"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)  # noqa: S101  # declared above
        action.choices = [("", _("Everything")), *action_choices()]

    def clean_case(self) -> Any:
        reference = self.cleaned_data["case"].strip()
        if not reference:
            return None
        subject = case_for_filter(self.viewer, reference)
        if subject is None:
            raise forms.ValidationError(_("No case of your organisation has this reference. Check it and try again."))
        return subject

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            raise forms.ValidationError(_("The end of the period comes before its start. Swap the two dates."))
        today = timezone.localdate()
        if any(day and not EARLIEST <= day <= today + timedelta(days=MAX_DAYS) for day in (since, until)):
            raise forms.ValidationError(_("Choose dates from the year 2000 until a year from today."))
        if since and ((until or today) - since) > timedelta(days=MAX_DAYS):
            raise forms.ValidationError(
                ngettext(
                    "That period is longer than a year. Choose at most %(days)s day, "
                    "or look for a case or a person without dates.",
                    "That period is longer than a year. Choose at most %(days)s days, "
                    "or look for a case or a person without dates.",
                    MAX_DAYS,
                ),
                params={"days": MAX_DAYS},
            )
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            case=data.get("case"),
            person=data.get("person", "").strip(),
            action=data.get("action", ""),
            since=data.get("since"),
            until=data.get("until"),
        )
