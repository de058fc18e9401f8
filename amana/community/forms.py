from __future__ import annotations

import copy
import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from amana.accounts.forms import western_digits
from amana.accounts.models import Organisation
from amana.community.models import (
    ActionStatus,
    Activity,
    ActivityKind,
    AgeBand,
    Audience,
    Institution,
    Material,
    PeaceTeam,
    Sex,
    TeamRole,
    Topic,
    VisitStatus,
)
from amana.community.sheets import MAX_UPLOAD_BYTES
from amana.core.widgets import DateInput

MAX_COUNT = 100_000
# Seven digits or more, perhaps split by spaces or dashes: a phone number.
_PHONE = re.compile(r"\d(?:[\s\-.]*\d){6,}")
_EMAIL = re.compile(r"\S+@\S+\.\S+")


def no_contact_details(value: str) -> None:
    """Forum records are anonymous: refuse text holding a phone number or an e-mail address."""
    text = western_digits(value)
    if _PHONE.search(text) or _EMAIL.search(text):
        raise forms.ValidationError(
            _("Remove the phone number or e-mail address: forum records must not point at anyone."),
            code="contact_details",
        )


def _checkboxes(queryset: Any, label: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=queryset, required=False, label=label, widget=forms.CheckboxSelectMultiple
    )


class ForumForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    area = forms.CharField(label=_("Area"), max_length=120, required=False)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=200)
    institutions = _checkboxes(Institution.objects.all(), _("Duty-bearer institutions present"))
    topics = _checkboxes(Topic.objects.all(), _("Topics"))


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("Concern, in the women's own words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_contact_details],
        help_text=_("Anonymous: write no names, phone numbers or details that could point at one woman."),
    )


class ActionPointForm(forms.Form):
    text = forms.CharField(
        label=_("Action point"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_contact_details],
    )
    owner = forms.ModelChoiceField(queryset=Institution.objects.all(), label=_("Owner institution"))
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())


class ReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("Status now"), choices=ActionStatus.choices)
    note = forms.CharField(
        label=_("Progress note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_contact_details],
    )


def count_field_name(sex: str, age_band: str) -> str:
    return f"count_{sex}_{age_band}"


class AttendanceForm(forms.Form):
    """One number per sex and age band; an empty box counts as nobody.

    Once attendance is recorded, changing it is a correction and asks for a reason.
    """

    def __init__(self, *args: Any, initial_counts: dict[tuple[str, str], int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial_counts = initial_counts or {}
        self.is_correction = bool(initial_counts)
        for sex, sex_label in Sex.choices:
            for band, band_label in AgeBand.choices:
                self.fields[count_field_name(sex, band)] = forms.IntegerField(
                    label=_("%(sex)s, %(age_band)s") % {"sex": sex_label, "age_band": band_label},
                    min_value=0,
                    max_value=MAX_COUNT,
                    required=False,
                    initial=initial_counts.get((sex, band)) or None,
                )
        if self.is_correction:
            self.fields["reason"] = copy.deepcopy(ReasonForm.base_fields["reason"])

    def counts(self) -> dict[tuple[str, str], int]:
        return {
            (sex, band): self.cleaned_data.get(count_field_name(sex, band)) or 0
            for sex in Sex.values
            for band in AgeBand.values
        }


class ImportForm(forms.Form):
    sheet = forms.FileField(
        label=_("Attendance sheet (CSV or XLSX)"),
        help_text=_("One row per participant, no names. The sheet replaces the attendance recorded so far."),
    )

    def clean_sheet(self) -> Any:
        sheet = self.cleaned_data["sheet"]
        if sheet.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB. Split it into smaller sheets."),
                params={"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
                code="too_big",
            )
        return sheet


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    area = forms.CharField(label=_("Area"), max_length=120, required=False)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=200, required=False)
    topics = _checkboxes(Topic.objects.all(), _("Topics or themes"))
    audiences = _checkboxes(Audience.objects.all(), _("Audiences"))
    max_score = forms.IntegerField(
        label=_("Highest possible knowledge score"),
        min_value=1,
        max_value=1000,
        initial=10,
        help_text=_("For a training's test before and after; for example 10 or 100."),
    )


class ScoreForm(forms.Form):
    """One participant's scores, under a number: no name is ever asked."""

    def __init__(self, *args: Any, max_score: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pre_score"] = forms.IntegerField(
            label=_("Score before"), min_value=0, max_value=max_score, required=False
        )
        self.fields["post_score"] = forms.IntegerField(
            label=_("Score after"), min_value=0, max_value=max_score, required=False
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("pre_score") is None) != (cleaned.get("post_score") is None) and not self.errors:
            raise forms.ValidationError(_("Give both scores, before and after, or leave both empty."), code="pair")
        return cleaned


class BaseScoreFormSet(forms.BaseFormSet):  # forms are ScoreForm
    def pairs(self) -> list[tuple[int, int]]:
        return [
            (form.cleaned_data["pre_score"], form.cleaned_data["post_score"])
            for form in self.forms
            if form.cleaned_data.get("pre_score") is not None
        ]


ScoreFormSet = forms.formset_factory(ScoreForm, formset=BaseScoreFormSet, extra=5, max_num=500, validate_max=True)


def score_formset(activity: Activity, data: Any = None) -> BaseScoreFormSet:
    initial = [{"pre_score": s.pre_score, "post_score": s.post_score} for s in activity.scores.all()]
    formset = ScoreFormSet(data, initial=initial, form_kwargs={"max_score": activity.max_score}, prefix="scores")
    return cast(BaseScoreFormSet, formset)


class MaterialForm(forms.Form):
    material = forms.ChoiceField(label=_("Material"), choices=Material.choices)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    quantity = forms.IntegerField(label=_("Quantity handed out"), min_value=1, max_value=1_000_000)


CATALOGUES: dict[str, Any] = {"topic": Topic, "audience": Audience, "institution": Institution}


class CatalogueEntryForm(forms.Form):
    catalogue = forms.ChoiceField(
        label=_("Catalogue"),
        choices=[("topic", _("Topics")), ("audience", _("Audiences")), ("institution", _("Institutions"))],
    )
    name = forms.CharField(label=_("Name"), max_length=120)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        model = CATALOGUES.get(cleaned.get("catalogue", ""))
        name = cleaned.get("name")
        if model is not None and name and model.objects.filter(name__iexact=name).exists():
            self.add_error("name", _("This name is already in the catalogue."))
        return cleaned


class TeamForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Peace team organisation"),
        help_text=_("An organisation of kind Community Peace Team, made by the system admin, with no team yet."),
    )
    area = forms.CharField(label=_("Area"), max_length=120)
    formed_on = forms.DateField(label=_("Formed on"), required=False, widget=DateInput())

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # a ModelChoiceField


class MemberForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("Sealed: only the team and the programme's NGO can read it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices, initial=TeamRole.MEMBER)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DateInput())


class MemberTrainingForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.all(), label=_("Training topic"))
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput())
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(), label=_("Recorded training (if any)"), required=False
    )

    def __init__(self, *args: Any, trainings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = trainings  # type: ignore[attr-defined]  # a ModelChoiceField


class MentorshipForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    mentor = forms.CharField(label=_("Mentor"), max_length=200)
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(), label=_("Topics"), widget=forms.CheckboxSelectMultiple
    )
    members_present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=500)
    notes = forms.CharField(
        label=_("Notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_contact_details],
        help_text=_("No case details and no names here: cases go to case handling."),
    )


class ReasonForm(forms.Form):
    """Why a record is corrected or removed: kept with the record and shown in its history."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_contact_details],
        help_text=_("For example: the date was typed wrong, or the forum was entered twice."),
        error_messages={"required": _("Give the reason: every correction keeps why it was made.")},
    )


class ForumCorrectionForm(ForumForm, ReasonForm):
    pass


class ActionPointCorrectionForm(ActionPointForm, ReasonForm):
    pass


class ActivityCorrectionForm(ActivityForm, ReasonForm):
    pass


class MentorshipCorrectionForm(MentorshipForm, ReasonForm):
    pass


class MemberCorrectionForm(MemberForm, ReasonForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Leave empty to keep the name. A new name is sealed like the first.")


class VisitRequestForm(forms.Form):
    """What the NGO asks of a peace team: only what one follow-up visit needs."""

    case_reference = forms.CharField(label=_("Case reference"), max_length=9)
    team = forms.ModelChoiceField(queryset=PeaceTeam.objects.none(), label=_("Peace team"))
    due_on = forms.DateField(label=_("Visit by"), widget=DateInput())
    brief = forms.CharField(
        label=_("What the team needs for this visit"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Only what the visit needs: how to find her, when it is safe, what to say if someone else is there. "
            "Nothing of what happened to her. Sealed to your organisation and the team."
        ),
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["team"].label_from_instance = lambda team: team.organisation.name  # type: ignore[attr-defined]

    def clean_case_reference(self) -> str:
        return str(self.cleaned_data["case_reference"]).strip().upper()


class VisitOutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How did the visit go?"),
        choices=[(status.value, status.label) for status in (VisitStatus.DONE, VisitStatus.NOT_POSSIBLE)],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("A short note for the caseworker"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sealed to the caseworker's organisation and your team."),
    )
