from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from amana.accounts.models import Organisation, OrganisationKind, User
from amana.cases.models import (
    CONTACT_NEEDS_PHONE,
    ActionKind,
    ActionStatus,
    AdultConsent,
    Answer,
    Audience,
    ChildAge,
    ChildAgreement,
    ChildReferralCheck,
    ClosureReason,
    ConsentGivenHow,
    ConsentHow,
    ContactMethod,
    FollowUpStatus,
    GuardianInvolvement,
    ReportingDecision,
    RiskLevel,
    Scope,
    TechnologyFacilitated,
)
from amana.cases.selectors import ClosureItem
from amana.cases.services import CHILD_AGES_OF_BAND, CONSENT_CHOICES, ChildConsent, GivenConsent, consent_key
from amana.channel.forms import NARRATIVE_MAX, ExtortionistForm
from amana.core.widgets import DateInput, DateTimeInput

MESSAGE_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 3000
SHORT_MAX_LENGTH = 300
SEARCH_MAX_LENGTH = 300
# A follow-up further ahead than this is a typing mistake, not a plan.
FOLLOW_UP_HORIZON = timedelta(days=366)
REQUIRED = _("Please fill in this field.")
CHOOSE = _("Please choose one of the options shown.")
TOO_LONG = ngettext_lazy(
    "Please shorten this to at most %(limit_value)d character (now %(show_value)d).",
    "Please shorten this to at most %(limit_value)d characters (now %(show_value)d).",
    "limit_value",
)


def _note(label: Any, *, required: bool = False, help_text: Any = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "autocomplete": "off"}),
        error_messages={"required": REQUIRED, "max_length": TOO_LONG},
    )


def _choice(label: Any, choices: Any, *, radio: bool = True, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect if radio else forms.Select,
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        error_messages={
            "required": _("Write a message first."),
            "max_length": ngettext_lazy(
                "A message has at most %(limit_value)d character; this one has %(show_value)d.",
                "A message has at most %(limit_value)d characters; this one has %(show_value)d.",
                "limit_value",
            ),
        },
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Case reference, or a phone number or account of the extortionist"),
        max_length=SEARCH_MAX_LENGTH,
        error_messages={"required": _("Type what to search for."), "max_length": TOO_LONG},
    )


class AssignForm(forms.Form):
    caseworker = forms.ModelChoiceField(
        label=_("Caseworker"),
        queryset=User.objects.none(),
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )

    def __init__(self, *args: Any, caseworkers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["caseworker"]
        field.queryset = caseworkers  # type: ignore[attr-defined]  # a ModelChoiceField
        field.label_from_instance = lambda user: user.get_full_name() or user.username  # type: ignore[attr-defined]


RISK_QUESTIONS = {
    "immediate_danger": _("Is she in immediate danger?"),
    "family_violence": _("Is she at risk of violence from her family if they find out?"),
    "self_harm": _("Has she had thoughts of harming herself or of suicide?"),
    "images_published": _("Have images or information already been published or sent to others?"),
    "knows_family": _("Does the extortionist know her family or how to reach them?"),
}


class RiskAssessmentForm(forms.Form):
    judged = _choice(
        _("Your judgement of the risk"),
        [("", _("As her answers show")), *[(value, label) for value, label in RiskLevel.choices if value]],
        radio=False,
        required=False,
    )
    notes = _note(_("Notes on her safety (sealed)"), rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questions = {name: _choice(label, Answer.choices) for name, label in RISK_QUESTIONS.items()}
        self.fields = {**questions, **self.fields}  # the questions first

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in RISK_QUESTIONS}


class SafeguardingForm(forms.Form):
    """The safeguarding step of a child's case, decided in her best interest."""

    best_interest = _note(
        _("What is in her best interest, and how she was heard (sealed)"),
        required=True,
        help_text=_("Her safety first, her own views as her age and maturity allow."),
        rows=4,
    )
    guardian_involvement = _choice(_("Who is involved with her"), GuardianInvolvement.choices)
    guardian_reason = _note(_("Why these adults are, or are not, involved (sealed)"), required=True, rows=3)
    child_referral = _choice(_("Referrals"), ChildReferralCheck.choices)


class ReportingDecisionForm(forms.Form):
    """A supervisor's decision on mandatory reporting for a child's case."""

    decision = _choice(_("Mandatory reporting"), ReportingDecision.choices)
    reason = _note(_("Why this is in her best interest, and what the law asks here (sealed)"), required=True, rows=3)


class PlanActionForm(forms.Form):
    kind = _choice(_("What she chose"), ActionKind.choices, radio=False)
    details = _note(_("What exactly, and who does what (sealed)"), required=True)
    due_on = forms.DateField(
        label=_("To be done by (optional)"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date such as 2025-03-31.")},
    )
    consent_how = _choice(_("How she gave her agreement"), ConsentHow.choices)
    informed = forms.BooleanField(
        label=_("She was told what this step involves, its risks and that she can change her mind, and she chose it."),
        error_messages={
            "required": _("A step goes into her plan only when she has chosen it knowing what it involves.")
        },
    )


class FinishActionForm(forms.Form):
    status = _choice(_("What happened"), [(s, s.label) for s in (ActionStatus.DONE, ActionStatus.DROPPED)])
    outcome = _note(_("Outcome (sealed)"), required=True)


class FollowUpForm(forms.Form):
    due_at = forms.DateTimeField(
        label=_("When"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=DateTimeInput(),
        error_messages={"required": REQUIRED, "invalid": _("Enter a date and time such as 2025-03-31 10:30.")},
    )
    channel = _choice(_("How to reach her"), ContactMethod.choices, radio=False)
    safe_times = forms.CharField(
        label=_("Safe times (sealed)"),
        required=False,
        max_length=SHORT_MAX_LENGTH,
        error_messages={"max_length": TOO_LONG},
    )
    if_someone_else_answers = _note(_("What to say if someone else answers (sealed)"), rows=2)
    purpose = _note(_("What to talk about (sealed)"), rows=2)

    def clean_due_at(self) -> datetime:
        due_at: datetime = self.cleaned_data["due_at"]
        if due_at > timezone.now() + FOLLOW_UP_HORIZON:
            raise forms.ValidationError(_("Choose a time within the next year."), code="too_far")
        return due_at


class FollowUpOutcomeForm(forms.Form):
    status = _choice(_("Did the contact happen?"), [(s, s.label) for s in (FollowUpStatus.DONE, FollowUpStatus.MISSED)])
    outcome = _note(_("What happened (sealed)"), required=True)


class ClosureRequestForm(forms.Form):
    reason = _choice(_("Why close the case"), ClosureReason.choices)
    feedback = _note(
        _("Her feedback on the help she received (sealed)"),
        help_text=_("In her words, if she gave any. Leave it empty if she could not be asked safely."),
        rows=4,
    )
    not_asked_because = _note(_("If she could not be asked safely, why (sealed)"), rows=2)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("feedback") or "").strip() and not (cleaned.get("not_asked_because") or "").strip():
            self.add_error("feedback", _("Write her feedback, or why she could not be asked safely."))
        return cleaned


class ClosureDecisionForm(forms.Form):
    """A supervisor's decision; to approve, each checklist item still missing needs an override with a reason."""

    APPROVE, RETURN = "approve", "return"
    decision = _choice(_("Your decision"), [(APPROVE, _("Approve closing")), (RETURN, _("Return to the caseworker"))])
    note = _note(_("Note to the caseworker (sealed)"), help_text=_("Needed when you return the request."))
    # The request the page showed: a decision made on an older page is refused, never applied to a newer request.
    request = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("This page is out of date. Open the closure page again, then decide.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in ClosureItem.ALL:
            self.fields[f"override_{code}"] = forms.BooleanField(label=_("Close without it"), required=False)
            self.fields[f"override_reason_{code}"] = _note(_("Why the case may close without it (sealed)"), rows=2)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.RETURN and not cleaned.get("note"):
            self.add_error("note", _("Say what is still needed before the case can be closed."))
        for code in ClosureItem.ALL:
            if cleaned.get(f"override_{code}") and not (cleaned.get(f"override_reason_{code}") or "").strip():
                self.add_error(
                    f"override_reason_{code}", _("Write why the case may close without it: an override needs a reason.")
                )
        return cleaned

    def overrides(self) -> dict[str, str]:
        """The items overridden, each with its reason."""
        return {
            code: self.cleaned_data[f"override_reason_{code}"].strip()
            for code in ClosureItem.ALL
            if self.cleaned_data.get(f"override_{code}")
        }


class HandoverForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Protection NGO that takes over the case"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.NGO),
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )
    consent_how = _choice(_("How she gave her agreement"), ConsentHow.choices)
    confirmed = forms.BooleanField(
        label=_("She agreed that her case, with everything recorded in it, goes to this NGO."),
        error_messages={"required": _("A case is handed over only when she has agreed to it.")},
    )


class IncidentForm(ExtortionistForm):
    """What happened, as the caseworker corrects it: the narrative and the extortionist's identifiers."""

    narrative = forms.CharField(
        label=_("What happened (sealed)"),
        required=False,
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
        error_messages={"max_length": TOO_LONG},
    )
    technology_facilitated = _choice(_("Was it done through technology?"), TechnologyFacilitated.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["perpetrator_phones"].label = _("Phone numbers of the extortionist")
        self.fields["perpetrator_accounts"].label = _("Accounts of the extortionist")
        self.fields["technology_facilitated"].help_text = _(
            "For the GBVIMS classification: phones, messages, apps, social media or the internet were used"
            " to threaten or harm her. Record what she told you; do not assume it from the platform."
        )
        self.order_fields(["narrative", "perpetrator_phones", "perpetrator_accounts", "technology_facilitated"])


class ContactPlanForm(forms.Form):
    """Her safe-contact plan as she changes it, with the caseworker: how, when and through whom."""

    contact_methods = forms.MultipleChoiceField(
        label=_("How it is safe to reach her"),
        choices=ContactMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": CHOOSE},
    )
    contact_phone = forms.CharField(label=_("Phone number for calls or WhatsApp"), required=False, max_length=40)
    safe_times = _note(_("Safe times to reach her"), rows=2)
    if_someone_else_answers = _note(_("What to say if someone else answers"), rows=2)
    how = _choice(_("How she asked for this change"), ConsentHow.choices)
    reason = _note(_("Why the plan changes"), required=True, rows=2)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        methods = set(cleaned.get("contact_methods") or [])
        phone = (cleaned.get("contact_phone") or "").strip()
        needs_phone = bool(methods & CONTACT_NEEDS_PHONE)
        if needs_phone and not phone:
            self.add_error("contact_phone", _("Give the number she asked to be called on."))
        if phone and not needs_phone:
            self.add_error("contact_phone", _("Keep no number she did not ask us to call: leave this empty."))
        return cleaned


# Her choices in the words staff read: one whole sentence each.
STAFF_CONSENT_LABELS = {
    consent_key(Audience.AUTHORITIES, Scope.INCIDENT): _(
        "The authorities may be told what happened and shown the evidence, without her name."
    ),
    consent_key(Audience.AUTHORITIES, Scope.IDENTITY): _("The authorities may be given her name and how to reach her."),
    consent_key(Audience.SERVICES, Scope.INCIDENT): _(
        "A support service (psychosocial or legal help) may be told what happened."
    ),
    consent_key(Audience.SERVICES, Scope.IDENTITY): _("A support service may be given her name and how to reach her."),
    consent_key(Audience.STATISTICS, Scope.INCIDENT): _(
        "Her case may be counted in anonymous figures, never with her name."
    ),
}
WITNESS_MAX_LENGTH = 200


class ConsentRecordForm(forms.Form):
    """The choices she gives a caseworker or supervisor; for a child, who agreed and why.

    ``based_on`` is the newest consent record the form showed: a form opened before another change
    is refused rather than overwriting it.
    """

    consents = forms.MultipleChoiceField(
        label=_("What she agrees may be shared, and with whom"),
        choices=[(consent_key(a, s), STAFF_CONSENT_LABELS[consent_key(a, s)]) for a, s in CONSENT_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave a choice unticked to withdraw it: referrals that rely on it lose their keys at once."),
        error_messages={"invalid_choice": CHOOSE},
    )
    how = _choice(_("How she gave it"), [(value, label) for value, label in ConsentGivenHow.choices if value != "site"])
    given_at = forms.DateTimeField(
        label=_("When she gave it"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=DateTimeInput(),
        error_messages={"required": REQUIRED, "invalid": _("Enter a date and time such as 2025-03-31 10:30.")},
    )
    witness = forms.CharField(
        label=_("Witness (optional, sealed): name and role"),
        required=False,
        max_length=WITNESS_MAX_LENGTH,
        error_messages={"max_length": TOO_LONG},
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={"required": REQUIRED})

    def __init__(self, *args: Any, age_band: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("given_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        super().__init__(*args, **kwargs)
        ages = CHILD_AGES_OF_BAND.get(age_band)  # type: ignore[call-overload]  # a band value
        self.is_child = ages is not None
        if ages is None:
            return
        self.fields["child_age"] = _choice(
            _("Her age"), [(value, label) for value, label in ChildAge.choices if value in ages]
        )
        self.fields["child_agreement"] = _choice(_("What she herself gave"), ChildAgreement.choices)
        self.fields["adult_consent"] = _choice(_("Which adult agreed"), AdultConsent.choices)
        self.fields["caregiver_left_out_because"] = _note(
            _("Why involving her caregiver is not safe (sealed; needed when the caregiver is left out)"), rows=2
        )
        for name in ("child_age", "child_agreement", "adult_consent"):
            # Withdrawing everything needs no adult: only what she agrees to asks who agreed.
            self.fields[name].required = False

    def clean_given_at(self) -> datetime:
        given_at: datetime = self.cleaned_data["given_at"]
        if given_at > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The time she gave her consent cannot be in the future."))
        return given_at

    def given(self) -> GivenConsent:
        data = self.cleaned_data
        chosen = set(data.get("consents") or [])
        child = None
        if self.is_child:
            child = ChildConsent(
                age=data.get("child_age") or "",
                agreement=data.get("child_agreement") or "",
                adult=data.get("adult_consent") or "",
                caregiver_left_out_because=data.get("caregiver_left_out_because") or "",
            )
        return GivenConsent(
            given=frozenset((a, s) for a, s in CONSENT_CHOICES if consent_key(a, s) in chosen),
            how=data["how"],
            given_at=data["given_at"],
            witness=data.get("witness") or "",
            child=child,
        )
