from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from amana.accounts.models import Role, User
from amana.cases.models import ActionStatus, Case, PlanAction
from amana.core.widgets import DateInput, DateTimeInput
from amana.directory import selectors as directory
from amana.evidence.sharing import Choice, choice_label
from amana.referrals.models import ActionKind, ConsentGiven, Outcome, Pathway, ServiceType
from amana.referrals.services import SHAREABLE
from amana.vault.models import Compartment

TEXT_MAX_LENGTH = 2000
DEFAULT_CONSENT_DAYS = 90


def _text_field(label: Any, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows, "autocomplete": "off"}),
        error_messages={
            "required": _("Please fill in this field."),
            "max_length": ngettext_lazy(
                "At most %(limit_value)d character, please; this has %(show_value)d.",
                "At most %(limit_value)d characters, please; this has %(show_value)d.",
                "limit_value",
            ),
        },
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.organisation.name}"


class PlanStepChoiceField(forms.ModelChoiceField):
    """A step of her plan, named by its kind and date only: its details are sealed."""

    def label_from_instance(self, obj: Any) -> str:
        if obj.due_on is None:
            return str(obj.get_kind_display())
        return _("%(step)s, by %(date)s") % {
            "step": obj.get_kind_display(),
            "date": date_format(obj.due_on, "SHORT_DATE_FORMAT"),
        }


def plan_step_field() -> PlanStepChoiceField:
    return PlanStepChoiceField(
        label=_("The step of her plan this referral carries out (optional)"),
        queryset=PlanAction.objects.none(),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Choose one of the planned steps of this case.")},
    )


def _planned_steps(form: forms.Form, case: Case, keep: int | None = None) -> None:
    """The case's planned steps, and the one already linked (``keep``) even once it is finished."""
    steps = PlanAction.objects.filter(Q(status=ActionStatus.PLANNED) | Q(pk=keep), case=case)
    form.fields["plan_action"].queryset = steps  # type: ignore[attr-defined]  # a model choice field


class PlanStepForm(forms.Form):
    """Link a referral, after it was made, to the planned step of her plan it carries out."""

    plan_action = plan_step_field()

    def __init__(self, *args: Any, case: Case, linked: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _planned_steps(self, case, keep=linked)


class EvidenceFilesForm(forms.Form):
    """The evidence files a referral shares, chosen one by one, and the confirmation intimate pictures ask for."""

    files = forms.MultipleChoiceField(  # type: ignore[assignment]  # a declared field: Django's metaclass takes it off the class
        label=_("Which evidence files this organisation receives"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only the files you tick are shared, each under this referral's own key. A chat is shared as a "
            "pseudonymised transcript (her names and numbers replaced by “the survivor”); its original export "
            "only with a referral that shares her identity."
        ),
        error_messages={
            "invalid_choice": _(
                "One of the chosen files is no longer in this case or was never in it; choose again from the list."
            )
        },
    )
    intimate_confirmed = forms.BooleanField(
        label=_(
            "Some files are marked as pictures that may be intimate. I confirm that this organisation needs "
            "them and that she agreed to share them."
        ),
        required=False,
    )

    # The files the page listed, so that a form shown before a file was added or removed is noticed.
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, files: Sequence[Choice] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].choices = [(choice.token, choice_label(choice)) for choice in files]  # type: ignore[attr-defined]  # a ChoiceField
        self.listed = " ".join(choice.token for choice in files)
        self.fields["shown"].initial = self.listed
        if not any(choice.may_be_intimate for choice in files):
            del self.fields["intimate_confirmed"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("intimate_confirmed", False)
        if (data.get("shown") or "") != self.listed:
            self.add_error(
                None,
                _(
                    "The case's evidence changed since this page was shown (a file was added or removed). "
                    "Check the list of files and choose again."
                ),
            )
        return data


class ReferralForm(EvidenceFilesForm):
    field_order = [
        "pathway",
        "service",
        "service_type",
        "compartments",
        "files",
        "intimate_confirmed",
        "shown",
        "purpose",
        "consent_given",
        "consent_until",
        "override_reason",
    ]
    pathway = forms.ChoiceField(
        label=_("Pathway"),
        choices=Pathway.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a pathway."), "invalid_choice": _("Choose one of the pathways.")},
    )
    service = ServiceChoiceField(
        label=_("Receiving service or authority"),
        queryset=directory.receiving_services(),
        error_messages={
            "required": _("Choose who receives the referral."),
            "invalid_choice": _("Choose one of the listed services."),
        },
    )
    service_type = forms.ChoiceField(
        label=_("Type of service (service referrals only)"),
        required=False,
        choices=[("", "—"), *ServiceType.choices],
        error_messages={"invalid_choice": _("Choose one of the types of service.")},
    )
    compartments = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=[(value, label) for value, label in Compartment.choices if value in SHAREABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one part of the case to share."),
            "invalid_choice": _("Choose only from the listed parts."),
        },
    )
    purpose = _text_field(_("Purpose of the referral"))
    consent_given = forms.ChoiceField(
        label=_("How she gave her consent"),
        choices=[(value, label) for value, label in ConsentGiven.choices if value != ConsentGiven.OVERRIDE],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say how she gave her consent."), "invalid_choice": _("Choose one of the ways.")},
    )
    consent_until = forms.DateField(
        label=_("Consent valid until"),
        widget=DateInput(),
        error_messages={
            "required": _("Give the date her consent ends."),
            "invalid": _("Enter a date such as 2025-03-31."),
        },
    )
    override_reason = _text_field(
        _("Emergency override: why her life or safety requires this without her consent (supervisors only)"),
        required=False,
    )
    plan_action = plan_step_field()

    def __init__(self, *args: Any, user: User, case: Case, files: Sequence[Choice] = (), **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"consent_until": timezone.localdate() + timedelta(days=DEFAULT_CONSENT_DAYS)})
        super().__init__(*args, files=files, **kwargs)
        _planned_steps(self, case)
        if case.is_child:
            # A child's case goes only to services that take children ("Children" in the design).
            services = self.fields["service"].queryset.filter(accepts_children=True)  # type: ignore[attr-defined]
            self.fields["service"].queryset = services  # type: ignore[attr-defined]  # a model choice field
        if user.has_role(Role.SUPERVISOR):
            # Under an emergency override she gave no consent; clean() asks for one or the other.
            self.fields["consent_given"].required = False
        else:
            del self.fields["override_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("files") and "evidence" not in (data.get("compartments") or []):
            self.add_error("files", _("Files are shared only with the evidence: tick “Evidence”, or choose no file."))
        if data.get("pathway") == Pathway.SERVICE and not data.get("service_type"):
            self.add_error("service_type", _("Choose the type of service."))
        if not data.get("consent_given") and not (data.get("override_reason") or "").strip():
            self.add_error("consent_given", _("Say how she gave her consent."))
        return data


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Give the date and time."),
            "invalid": _("Enter a date and time such as 2025-03-31 10:00."),
        },
    )
    room = forms.CharField(label=_("Room (safe-space meetings)"), required=False, max_length=80)
    staff = forms.ModelMultipleChoiceField(
        label=_("NGO staff who go or give protective presence"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one member of staff."),
            "invalid_choice": _("Choose only from the listed staff."),
        },
    )
    attendees = _text_field(_("Who attends"), rows=2)

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (  # type: ignore[attr-defined]  # a ModelMultipleChoiceField
            User.objects.filter(
                organisation_id=organisation_id,
                is_active=True,
                role_assignments__role__in=[Role.CASEWORKER, Role.SUPERVISOR],
            )
            .distinct()
            .order_by("username")
        )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        error_messages={"required": _("Choose an outcome."), "invalid_choice": _("Choose one of the outcomes.")},
    )
    note = _text_field(_("What happened"))


class TextForm(forms.Form):
    """One piece of text: a question, an answer, a reason or a note."""

    text = _text_field(_("Text"))


class ActionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What was done"),
        choices=ActionKind.choices,
        error_messages={"required": _("Choose what was done."), "invalid_choice": _("Choose one of the actions.")},
    )
    note = _text_field(_("Details"), required=False)


class NoteForm(forms.Form):
    text = _text_field(_("Closing note"), required=False)
