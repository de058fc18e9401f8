from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amana.channel.uploads import check_evidence_files
from amana.core.widgets import MultipleFileField, MultipleFileInput
from amana.evidence.chat_import import AccountChat, DateExample
from amana.evidence.identifiers import MAX_IDENTIFIERS, Identifier, parse_identifiers
from amana.evidence.selectors import PACKAGE_COMPARTMENTS
from amana.vault.services import Compartment


class PerpetratorIdentifiersField(forms.CharField):
    """A text box for the extortionist's numbers, user names and profile links, one per line.

    Cleans to a list of :class:`Identifier`; every piece that is not one gets its own sentence.
    """

    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("The extortionist's phone numbers, user names and profile links"))
        kwargs.setdefault(
            "help_text",
            _(
                "One per line. For a user name, write the platform first, for example “Instagram: @name”, or "
                "paste the link to the profile."
            ),
        )
        kwargs.setdefault("max_length", 5000)
        kwargs.setdefault(
            "error_messages",
            {"max_length": _("This is too long for a list of identifiers; keep it under 5000 characters.")},
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Identifier]:  # cleans to identifiers, not text
        text = super().clean(value)
        if not text:
            return []
        parsed = parse_identifiers(text)
        errors = [ValidationError(error.message, code=error.code) for error in parsed.errors]
        if len(parsed.identifiers) > MAX_IDENTIFIERS:
            message = ngettext(
                "Enter at most %(count)s identifier.", "Enter at most %(count)s identifiers.", MAX_IDENTIFIERS
            )
            errors.append(ValidationError(message % {"count": MAX_IDENTIFIERS}, code="too_many"))
        if errors:
            raise ValidationError(errors)
        return parsed.identifiers


def intimate_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("The pictures may be intimate: mark them, so that anyone sharing them is warned and must confirm"),
        required=False,
    )


class AddFilesForm(forms.Form):
    """Files staff add to a case; type read from their bytes and size limited by the upload handler."""

    files = MultipleFileField(  # type: ignore[assignment]  # a declared field: Django's metaclass takes it off the class
        label=_("Pictures, screenshots, PDF documents, voice notes or videos"),
        widget=MultipleFileInput(attrs={"accept": "image/*,audio/*,video/mp4,.pdf,.txt,.zip"}),
        error_messages={
            "required": _("Choose at least one file."),
            "empty": _("One of the files is empty. Please choose it again."),
            "invalid": _("One of the files could not be read. Please choose it again."),
        },
    )
    may_be_intimate = intimate_field()

    def __init__(self, *args: Any, too_large: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large or []
        # A file over the limit never arrives; it is named by the upload handler and refused below.
        self.fields["files"].required = not self.too_large

    def clean_files(self) -> list[Any]:
        files = check_evidence_files(self.cleaned_data.get("files") or [], too_large=self.too_large)
        if not files:
            raise ValidationError(_("Choose at least one file."), code="required")
        return files


class ChatExportForm(forms.Form):
    """The export, and the two choices an export may need: how to read its dates, which chat to read."""

    export = forms.FileField(
        label=_("The exported chat: a WhatsApp .txt or .zip file, or Telegram's result.json (or a zip of it)"),
        help_text=_(
            "From Telegram Desktop, choose “Export chat history” and, under Format, “Machine-readable JSON”: "
            "the HTML export cannot be read reliably."
        ),
        error_messages={
            "required": _("Choose the exported chat file."),
            "empty": _("The file is empty. Please choose it again."),
            "invalid": _("The file could not be read. Please choose it again."),
        },
    )
    date_order = forms.ChoiceField(
        label=_("How are the dates in this chat written?"),
        required=False,
        choices=[("dmy", _("Day first")), ("mdy", _("Month first"))],
        widget=forms.RadioSelect,
    )
    chat = forms.IntegerField(
        label=_("Which chat is the one with the extortionist?"), required=False, min_value=0, widget=forms.RadioSelect
    )
    may_be_intimate = intimate_field()

    def __init__(self, *args: Any, too_large: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large or []
        self.fields["export"].required = not self.too_large
        self.asks_date_order = False
        self.asks_chat = False

    def clean_export(self) -> Any:
        if self.too_large:
            limit = filesizeformat(settings.AMANA_CHAT_EXPORT_MAX_BYTES)
            raise ValidationError(
                _("The chat export is too large. It can be at most %(limit)s. Nothing was imported."),
                params={"limit": limit},
                code="too_large",
            )
        return self.cleaned_data["export"]

    def ask_date_order(self, examples: list[DateExample]) -> None:
        """Offer both readings, each shown on the export's own lines."""

        def reading(order: str) -> str:
            return "; ".join(
                _("“%(line)s” is %(date)s")
                % {"line": example.line, "date": date_format(getattr(example, order), "DATETIME_FORMAT")}
                for example in examples
            )

        self.asks_date_order = True
        self.fields["date_order"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("dmy", _("Day first: %(readings)s") % {"readings": reading("day_first")}),
            ("mdy", _("Month first: %(readings)s") % {"readings": reading("month_first")}),
        ]

    def ask_chat(self, chats: list[AccountChat]) -> None:
        self.asks_chat = True
        self.fields["chat"].widget.choices = [
            (
                chat.index,
                ngettext("%(name)s (%(count)s message)", "%(name)s (%(count)s messages)", chat.messages)
                % {"name": chat.name or "—", "count": chat.messages},
            )
            for chat in chats
        ]


class HerSideForm(forms.Form):
    """Which of the chat's senders is her, so that a pseudonymised transcript can replace her names."""

    senders = forms.MultipleChoiceField(
        label=_("Which of these senders is her?"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Her names and numbers are replaced by “the survivor” in the transcript shared with partners; "
            "the others are kept as the chat shows them."
        ),
        error_messages={
            "required": _("Tick at least one sender: the one whose messages are hers."),
            "invalid_choice": _("This chat has no such sender; choose again from the list."),
        },
    )

    def __init__(self, *args: Any, senders: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["senders"].choices = [(sender, sender) for sender in senders]  # type: ignore[attr-defined]


class ConfirmIdentifiersForm(forms.Form):
    """The proposed identifiers, each a box the caseworker ticks when it is the extortionist's."""

    chosen = forms.MultipleChoiceField(
        label=_("Which of these are the extortionist's?"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, proposals: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposals = {f"{p['kind']}:{p['value']}": p for p in proposals}
        self.fields["chosen"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (key, Identifier(p["kind"], p["value"]).display) for key, p in self.proposals.items()
        ]

    def identifiers(self) -> list[Identifier]:
        return [
            Identifier(self.proposals[key]["kind"], self.proposals[key]["value"]) for key in self.cleaned_data["chosen"]
        ]


class PackageForm(forms.Form):
    referral = forms.ChoiceField(
        label=_("For which referral"),
        required=False,
        help_text=_("For a referral the package holds only what that referral shares, under its own reference."),
        error_messages={
            "invalid_choice": _(
                "No package can be made for this referral: it has ended or her consent to it was withdrawn."
            )
        },
    )
    compartments = forms.MultipleChoiceField(
        label=_("What the package holds"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one part of the case that she agreed to share.")},
    )

    def __init__(self, *args: Any, granted: set[str], referrals: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.granted = granted
        self.referrals = {str(referral.pk): referral for referral in referrals}
        self.fields["referral"].choices = [("", _("None: only what she agreed to share with the authorities"))] + [  # type: ignore[attr-defined]
            (key, f"{referral.reference} · {referral.organisation.name}") for key, referral in self.referrals.items()
        ]
        shareable = granted.union(*(referral.standing for referral in referrals))
        labels = dict(Compartment.choices)
        self.fields["compartments"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (compartment, labels[compartment]) for compartment in PACKAGE_COMPARTMENTS if compartment in shareable
        ]
        self.fields["compartments"].initial = sorted(granted)

    def allowed(self) -> set[str]:
        """What the chosen referral's standing grants share now, or else what she agreed to share with
        the authorities; never the list the referral was made with, which her withdrawal may have cut."""
        referral = self.cleaned_data.get("referral_object")
        return set(referral.standing) if referral is not None else self.granted

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["referral_object"] = self.referrals.get(cleaned.get("referral") or "")
        chosen = set(cleaned.get("compartments") or [])
        if chosen - self.allowed():
            self.add_error("compartments", _("Choose only what this referral shares (or what she agreed to share)."))
        return cleaned


class PdqForm(forms.Form):
    image = forms.FileField(
        label=_("The image"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        error_messages={
            "required": _("Choose the image."),
            "empty": _("The file is empty. Please choose it again."),
            "invalid": _("The file could not be read. Please choose it again."),
        },
    )
    keep = forms.BooleanField(
        label=_("She chooses to keep this image as evidence in her case (sealed)"),
        required=False,
        help_text=_("If this is not ticked, the image is only read to compute its hash and is never stored."),
    )

    def __init__(self, *args: Any, too_large: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large or []
        self.fields["image"].required = not self.too_large

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        return check_evidence_files([image] if image else [], too_large=self.too_large)[0]
