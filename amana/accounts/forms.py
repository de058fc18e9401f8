from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import ROLE_ORGANISATION_KINDS, FirstScreen, Organisation, OrganisationKind, Role, User

# Arabic-Indic and Extended Arabic-Indic (Persian) digits, as phones in Iraq type them.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def western_digits(value: str) -> str:
    return value.translate(_DIGITS)


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your user name."),
            "max_length": _("A user name has at most 150 characters."),
        },
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={
            "required": _("Enter your password."),
            "max_length": _("A password has at most 256 characters."),
        },
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr", "class": "code"}
        ),
        error_messages={"required": _("Enter the six-digit code."), "max_length": _("The code has six digits.")},
    )

    def clean_code(self) -> str:
        code = western_digits(self.cleaned_data["code"]).replace(" ", "").replace("-", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("The code has six digits."), code="format")
        return code


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password.")},
    )
    new_password = forms.CharField(
        label=_("New password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password and not only digits."),
        error_messages={
            "required": _("Enter a new password."),
            "max_length": _("A password has at most 256 characters."),
        },
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter the new password a second time.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The current password is not right."), code="wrong")
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new, again = cleaned.get("new_password"), cleaned.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", _("The two new passwords are not the same."))
        elif new:
            try:
                password_validation.validate_password(new, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password", error)
        return cleaned


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={
            "required": _("Enter the organisation's name."),
            "max_length": _("A name has at most 200 characters."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=OrganisationKind.choices,
        error_messages={"required": _("Choose a kind."), "invalid_choice": _("Choose one of the listed kinds.")},
    )
    area = forms.CharField(
        label=_("Area"), max_length=120, required=False, help_text=_("For example Qayyarah or South Mosul.")
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if Organisation.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("An organisation with this name exists already."), code="duplicate")
        return name


class RecoveryKeyField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Organisation recovery key"))
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("strip", True)
        kwargs.setdefault(
            "help_text",
            _("Only needed when your own account does not hold the organisation's key. Type it as printed."),
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "class": "code"}))
        kwargs.setdefault("error_messages", {"max_length": _("A recovery key has at most 80 characters.")})
        super().__init__(**kwargs)


class MemberForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
        error_messages={
            "required": _("Enter a user name."),
            "max_length": _("A user name has at most 150 characters."),
        },
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one role."),
            "invalid_choice": _("Choose only roles that fit this organisation."),
        },
    )
    recovery_key = RecoveryKeyField(required=False)

    def __init__(self, *args: Any, organisation: Organisation, may_make_system_admins: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [  # type: ignore[attr-defined]  # a MultipleChoiceField
            (value, label)
            for value, label in Role.choices
            if organisation.kind in ROLE_ORGANISATION_KINDS[value]
            and (value != Role.SYSTEM_ADMIN or may_make_system_admins)
        ]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."), code="duplicate")
        return username


class MemberActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("password", "password"),
            ("second_factor", "second_factor"),
            ("key", "key"),
        ],
        error_messages={"required": _("Choose what to do."), "invalid_choice": _("Choose what to do.")},
    )
    recovery_key = RecoveryKeyField(required=False)


class DeactivateMemberForm(forms.Form):
    """Deactivating is confirmed by typing the member's user name, so it is never a slip of the list."""

    confirm = forms.CharField(
        label=_("Type their user name to confirm"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "class": "code"}),
        error_messages={"required": _("Type their user name to confirm.")},
    )

    def __init__(self, *args: Any, member: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"].strip()
        if typed.casefold() != self.member.username.casefold():
            raise forms.ValidationError(_("That is not their user name. Nothing was changed."))
        return typed


class ReaddMemberForm(forms.Form):
    recovery_key = RecoveryKeyField(required=False)


class RevokeSigningKeyForm(forms.Form):
    """Mark one of the organisation's signing keys as no longer trusted from a day on."""

    key = forms.ChoiceField(
        label=_("Key"),
        error_messages={"required": _("Choose the key."), "invalid_choice": _("Choose one of the keys listed.")},
    )
    revoked_from = forms.DateField(
        label=_("Not trusted from (the start of this day)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the day from which the key is not trusted."),
            "invalid": _("Enter a date."),
        },
    )
    reason = forms.CharField(
        label=_("Why (for example: the laptop that made packages was stolen)"),
        max_length=200,
        error_messages={
            "required": _("Say why the key is revoked."),
            "max_length": _("Say it in at most 200 characters."),
        },
    )

    def __init__(self, *args: Any, key_ids: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(key_id, key_id) for key_id in key_ids]  # type: ignore[attr-defined]  # a ChoiceField


class FirstScreenForm(forms.Form):
    first_screen = forms.ChoiceField(
        label=_("What the public site shows first"),
        choices=FirstScreen.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the two pages."),
            "invalid_choice": _("Choose one of the two pages."),
        },
    )


class PackageNamingForm(forms.Form):
    packages_name_staff = forms.BooleanField(
        label=_("Name the staff member (not only the role) at each step of a file's chain of custody in packages"),
        required=False,
    )
