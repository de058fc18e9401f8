"""The questions of a report, shared by the survivor's steps and by staff intake.

Each step is one short form. The survivor answers them one page at a time; staff intake shows
them all on one page (with a prefix each), so both ask exactly the same things.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from amana.accounts.forms import western_digits
from amana.cases.models import (
    CONTACT_NEEDS_PHONE,
    AgeBand,
    Audience,
    Channel,
    ContactMethod,
    Demand,
    District,
    ForWhom,
    Platform,
    Published,
    Scope,
    Since,
    Want,
)
from amana.cases.services import CONSENT_CHOICES, Report, consent_key
from amana.channel.services import CODE_DIGITS
from amana.channel.uploads import check_evidence_files
from amana.core.widgets import MultipleFileField, MultipleFileInput
from amana.insights import labels as insights_labels

NARRATIVE_MAX = 5000
SHORT_TEXT_MAX = 200
MAX_IDENTIFIERS = 10
PHONE_MAX = 40
ACCOUNT_MAX = 200
# Digits and the marks people type between them (spaces, dashes, dots, brackets, a leading plus).
PHONE_SHAPE = re.compile(r"^\+?[0-9\s\-().]+$")

YES, NO, NOT_SAID = "yes", "no", "not_said"
# Nothing a survivor types should be offered back by the browser to the next person on the phone.
NO_AUTOFILL = {"autocomplete": "off", "autocorrect": "off", "autocapitalize": "none", "spellcheck": "false"}


def _text(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={**NO_AUTOFILL, **attrs})


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={**NO_AUTOFILL, "rows": str(rows)})


class StepForm(forms.Form):
    """A form whose every field, when left empty, asks plainly for an answer."""

    title: Any = ""
    required_message = _("Please answer this question.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = self.required_message
            field.error_messages["invalid_choice"] = _("Please choose one of the answers shown.")

    def answers(self) -> dict[str, Any]:
        """The cleaned answers of this step, as plain JSON values for the draft and the report."""
        return dict(self.cleaned_data)


def _radio(label: Any, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect)


def _checkboxes(label: Any, choices: Any, *, required: bool = True, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        required=required,
        help_text=help_text,
    )


class AboutForm(StepForm):
    title = _("About you")
    for_whom = _radio(
        _("Who are you asking for?"), [(ForWhom.SELF, _("For myself")), (ForWhom.OTHER, _("For someone else"))]
    )
    danger_now = _radio(_("Are you in danger right now?"), [(YES, _("Yes")), (NO, _("No"))])
    self_harm = _radio(
        _("Are you thinking of harming yourself?"),
        [(YES, _("Yes")), (NO, _("No")), (NOT_SAID, _("I prefer not to say"))],
    )
    district = forms.ChoiceField(label=_("Where do you live?"), choices=[("", "—"), *District.choices])
    age_band = _radio(_("How old are you (or the person you are asking for)?"), AgeBand.choices)


def _lines(value: str) -> list[str]:
    seen: list[str] = []
    for line in value.splitlines():
        item = line.strip()
        if item and item not in seen:
            seen.append(item)
    return seen


class ExtortionistForm(StepForm):
    """The phone numbers and accounts the extortionist uses (asked with what happened)."""

    perpetrator_phones = forms.CharField(
        label=_("Phone numbers the person uses (optional)"),
        required=False,
        widget=_textarea(3),
        help_text=_("One number on each line."),
    )
    perpetrator_accounts = forms.CharField(
        label=_("Accounts or profile links the person uses (optional)"),
        required=False,
        widget=_textarea(3),
        help_text=_("One account on each line, for example a user name or a link."),
    )

    def _many(self, name: str, longest: int) -> list[str]:
        items = _lines(self.cleaned_data.get(name, ""))
        if len(items) > MAX_IDENTIFIERS:
            raise forms.ValidationError(
                ngettext_lazy(
                    "Please give at most %(count)d line.", "Please give at most %(count)d lines.", MAX_IDENTIFIERS
                ),
                params={"count": MAX_IDENTIFIERS},
                code="too_many",
            )
        if any(len(item) > longest for item in items):
            raise forms.ValidationError(
                _("Each line can have at most %(count)d characters."), params={"count": longest}, code="too_long"
            )
        return items

    def clean_perpetrator_phones(self) -> list[str]:
        numbers = [western_digits(item) for item in self._many("perpetrator_phones", PHONE_MAX)]
        for number in numbers:
            digits = sum(character.isdigit() for character in number)
            if not PHONE_SHAPE.match(number) or not 5 <= digits <= 15:
                raise forms.ValidationError(
                    _("“%(value)s” does not look like a phone number. Write only digits, one number on each line."),
                    params={"value": number},
                    code="not_a_number",
                )
        return numbers

    def clean_perpetrator_accounts(self) -> list[str]:
        return self._many("perpetrator_accounts", ACCOUNT_MAX)


class WhatHappenedForm(ExtortionistForm):
    title = _("What happened")
    platform = _radio(_("Where is it happening?"), Platform.choices)
    demands = _checkboxes(_("What is the person asking for?"), Demand.choices, help_text=_("Choose all that apply."))
    published = _radio(_("Has anything been published or sent to others?"), Published.choices)
    since = _radio(_("Roughly when did it start?"), Since.choices)
    narrative = forms.CharField(
        label=_("Tell us what happened, in your own words (optional)"),
        required=False,
        max_length=NARRATIVE_MAX,
        widget=_textarea(6),
        error_messages={
            "max_length": _("Please shorten this to at most %(limit_value)d characters (now %(show_value)d).")
        },
    )

    field_order = ["platform", "demands", "published", "since", "narrative"]


class ContactForm(StepForm):
    """How it is safe to reach her (asked with what she wants)."""

    contact_methods = _checkboxes(
        _("How is it safe for us to contact you?"), ContactMethod.choices, help_text=_("Choose all that are safe.")
    )
    contact_phone = forms.CharField(
        label=_("A phone number that is safe to use (only if you chose a call or WhatsApp)"),
        required=False,
        max_length=PHONE_MAX,
        widget=_text(inputmode="tel", dir="ltr"),
    )
    safe_times = forms.CharField(
        label=_("When is it safe to call? (optional)"), required=False, max_length=SHORT_TEXT_MAX, widget=_text()
    )
    if_someone_else_answers = forms.CharField(
        label=_("What should we say if someone else answers? (optional)"),
        required=False,
        max_length=SHORT_TEXT_MAX,
        widget=_text(),
    )
    name = forms.CharField(
        label=_("A name we can call you (optional; it does not need to be your real name)"),
        required=False,
        max_length=SHORT_TEXT_MAX,
        widget=_text(),
    )

    def clean_contact_phone(self) -> str:
        number = western_digits(self.cleaned_data.get("contact_phone", "").strip())
        if number and (not PHONE_SHAPE.match(number) or not 5 <= sum(c.isdigit() for c in number) <= 15):
            raise forms.ValidationError(_("This does not look like a phone number. Write only digits."), code="phone")
        return number

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        methods = set(cleaned.get("contact_methods") or [])
        if methods & CONTACT_NEEDS_PHONE and not cleaned.get("contact_phone"):
            self.add_error("contact_phone", _("You chose a call or WhatsApp: please write the number we may use."))
        if methods and not methods & CONTACT_NEEDS_PHONE and cleaned.get("contact_phone"):
            # A number she has not asked us to call must not be kept in her case.
            self.add_error(
                "contact_phone",
                _("You did not choose a call or WhatsApp: please leave the number empty, or choose one of them."),
            )
        if ContactMethod.SITE_ONLY in methods and len(methods) > 1:
            self.add_error(
                "contact_methods", _("You chose “only through this site” and another way. Please choose again.")
            )
        return cleaned


class ContactPlanChangeForm(ContactForm):
    """Her safe-contact plan as she changes it on her follow-up page: the same questions as in her
    report, without her name (only how and when she may be reached)."""

    name = None  # type: ignore[assignment]  # her name is not part of the plan


class AreaForm(forms.Form):
    """Which area's lines to show on the public page (a plain GET form, no account needed)."""

    area = forms.ChoiceField(
        label=_("Your area"),
        required=False,
        choices=[("", _("All areas"))]
        + [(value, label) for value, label in District.choices if value != District.NOT_SAID],
    )


CONSENT_LABELS = {
    consent_key(Audience.AUTHORITIES, Scope.INCIDENT): _(
        "The NGO may tell the authorities what happened and show the evidence, without my name."
    ),
    consent_key(Audience.AUTHORITIES, Scope.IDENTITY): _("The NGO may give my name and contact to the authorities."),
    consent_key(Audience.SERVICES, Scope.INCIDENT): _(
        "The NGO may tell a support service (psychosocial or legal help) what happened."
    ),
    consent_key(Audience.SERVICES, Scope.IDENTITY): _("The NGO may give my name and contact to a support service."),
    consent_key(Audience.STATISTICS, Scope.INCIDENT): insights_labels.STATISTICS_CONSENT,
}


class ConsentForm(StepForm):
    consents = _checkboxes(
        _("What may be shared, and with whom?"),
        [(consent_key(a, s), CONSENT_LABELS[consent_key(a, s)]) for a, s in CONSENT_CHOICES],
        required=False,
        help_text=_("Nothing is shared without your choice. You can change this later with your code."),
    )

    def given(self) -> frozenset[tuple[str, str]]:
        chosen = set(self.cleaned_data.get("consents") or [])
        return frozenset((a, s) for a, s in CONSENT_CHOICES if consent_key(a, s) in chosen)


class WishesForm(ContactForm, ConsentForm):
    title = _("What you want, and how to reach you")
    wants = _checkboxes(_("What would you like to happen?"), Want.choices, help_text=_("Choose all that you want."))

    field_order = ["wants", "contact_methods", "contact_phone", "safe_times", "if_someone_else_answers", "name"]


# Three pages of questions: each round trip counts on a slow mobile line.
STEPS: list[type[StepForm]] = [AboutForm, WhatHappenedForm, WishesForm]


def report_from_answers(answers: dict[str, Any]) -> Report:
    """Turn the answers of every step into one Report (the same for the site and for staff)."""
    chosen = set(answers.get("consents") or [])
    return Report(
        for_whom=answers["for_whom"],
        danger_now=answers["danger_now"] == YES,
        self_harm=answers["self_harm"] == YES,
        platform=answers["platform"],
        demands=list(answers["demands"]),
        published=answers["published"],
        since=answers["since"],
        narrative=answers.get("narrative", ""),
        perpetrator_phones=list(answers.get("perpetrator_phones") or []),
        perpetrator_accounts=list(answers.get("perpetrator_accounts") or []),
        district=answers["district"],
        age_band=answers["age_band"],
        name=answers.get("name", ""),
        contact_methods=list(answers["contact_methods"]),
        contact_phone=answers.get("contact_phone", ""),
        safe_times=answers.get("safe_times", ""),
        if_someone_else_answers=answers.get("if_someone_else_answers", ""),
        wants=list(answers["wants"]),
        consents=frozenset((a, s) for a, s in CONSENT_CHOICES if consent_key(a, s) in chosen),
    )


class EvidenceForm(forms.Form):
    """Optional files; what arrived too large is named by the upload handler and reported here."""

    files = MultipleFileField(  # type: ignore[assignment]  # a declared field: Django's metaclass takes it off the class
        label=_("Add pictures, screenshots, voice notes or a chat export (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,audio/*,video/mp4,.pdf,.txt,.zip"}),
        error_messages={
            "empty": _("One of the files is empty. Please choose it again."),
            "invalid": _("One of the files could not be read. Please choose it again."),
        },
    )

    def __init__(self, *args: Any, too_large: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large or []

    def clean_files(self) -> list[Any]:
        return check_evidence_files(self.cleaned_data.get("files") or [], too_large=self.too_large)


class IntakeForm(forms.Form):
    """What staff add to the same questions: how the report arrived.

    A peace team's report is held by the team itself until, with her consent, it hands the case
    over to a protection NGO (from its list of cases received).
    """

    channel = forms.ChoiceField(label=_("How did the report reach you?"), choices=[])

    def __init__(self, *args: Any, peace_team: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.peace_team = peace_team
        channel = cast(forms.ChoiceField, self.fields["channel"])
        if peace_team:
            channel.choices = [(Channel.PEACE_TEAM, Channel.PEACE_TEAM.label)]
            channel.initial = Channel.PEACE_TEAM
        else:
            channel.choices = [(c, c.label) for c in (Channel.HOTLINE, Channel.IN_PERSON)]


CODE_FORMAT = ngettext_lazy(
    "Your code has %(count)d digit. Please check it and try again.",
    "Your code has %(count)d digits. Please check it and try again.",
    "count",
)


class CodeForm(forms.Form):
    """Her receipt code (or duress code), typed with any digits and spacing her phone uses."""

    code = forms.CharField(
        label=_("Your code"),
        max_length=64,
        widget=_text(inputmode="numeric", dir="ltr", **{"class": "code"}),
        error_messages={"required": _("Please write your code.")},
    )

    def clean_code(self) -> str:
        code = "".join(character for character in western_digits(self.cleaned_data["code"]) if character not in " -")
        if not (code.isascii() and code.isdigit() and len(code) == CODE_DIGITS):
            raise forms.ValidationError(CODE_FORMAT, params={"count": CODE_DIGITS}, code="format")
        return code


class SecondCodeForm(CodeForm):
    """Make or remove her second code: her real code again, and what to do."""

    MAKE, REMOVE = "make", "remove"
    action = forms.ChoiceField(
        label=_("What would you like to do?"),
        choices=[(MAKE, _("Make a second code (it replaces any earlier one)")), (REMOVE, _("Remove my second code"))],
        widget=forms.RadioSelect,
        initial=MAKE,
    )


# Between the items of one answer ("WhatsApp, Facebook"); Arabic and Kurdish use their own comma.
LIST_SEPARATOR = _(", ")


def _shown(field: forms.Field, value: Any) -> str:
    """An answer as she chose or wrote it (the label of a choice, never its stored value)."""
    if isinstance(value, list):
        return str(LIST_SEPARATOR).join(_shown(field, item) for item in value)
    choices = dict(getattr(field, "choices", []) or [])
    return str(choices.get(value, value))


def review(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Her answers step by step, as (question, answer) pairs, for the page before sending."""
    steps = []
    for number, form_class in enumerate(STEPS, start=1):
        rows = []
        for name, field in form_class.base_fields.items():
            shown = _shown(field, answers.get(name, ""))
            if shown:
                rows.append((field.label, shown))
        steps.append({"number": number, "title": form_class.title, "rows": rows})
    return steps
