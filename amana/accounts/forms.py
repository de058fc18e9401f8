from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

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
