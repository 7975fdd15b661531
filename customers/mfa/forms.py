from typing import TYPE_CHECKING

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from customers.mfa.services import TOTP_DIGITS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _with_digits(message: str) -> "StrOrPromise":
    """``message`` (marked with gettext_noop) translated when shown, with the code length filled in."""
    return lazy(lambda: gettext(message) % {"digits": TOTP_DIGITS}, str)()


CODE_WIDGET_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "none",
    "autocorrect": "off",
    "spellcheck": "false",
    "inputmode": "text",
    "class": "otp-input",
}


def code_field(
    *, label: "StrOrPromise", help_text: "StrOrPromise" = "", required: bool = True, numeric: bool = False
) -> forms.CharField:
    attrs = {**CODE_WIDGET_ATTRS, "autofocus": True}
    if numeric:
        attrs.update(inputmode="numeric", pattern=r"[0-9 ]*", maxlength="7")
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs=attrs),
    )


class SetupConfirmForm(forms.Form):
    code = code_field(label=_with_digits(gettext_noop("%(digits)d-digit code from the app")), numeric=True)


class VerifyForm(forms.Form):
    code = code_field(
        label=_("Authentication code"),
        help_text=_with_digits(
            gettext_noop("The %(digits)d-digit code from your authenticator app, or one of your backup codes.")
        ),
    )


class RegenerateForm(forms.Form):
    """Either the account password or a current code proves it is really the owner."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("…or a current code from your app"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "inputmode": "numeric"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("password") and not data.get("code"):
            raise forms.ValidationError(_("Enter your password or a current code from your authenticator app."))
        return data


class DisableForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Current code or a backup code"),
        max_length=32,
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
    )
