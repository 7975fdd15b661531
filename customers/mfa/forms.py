from django import forms

from customers.mfa.services import TOTP_DIGITS

CODE_WIDGET_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "none",
    "autocorrect": "off",
    "spellcheck": "false",
    "inputmode": "text",
    "class": "otp-input",
}


def code_field(*, label: str, help_text: str = "", required: bool = True, numeric: bool = False) -> forms.CharField:
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
    code = code_field(label=f"{TOTP_DIGITS}-digit code from the app", numeric=True)


class VerifyForm(forms.Form):
    code = code_field(
        label="Authentication code",
        help_text=f"The {TOTP_DIGITS}-digit code from your authenticator app, or one of your backup codes.",
    )


class RegenerateForm(forms.Form):
    """Either the account password or a current code proves it is really the owner."""

    password = forms.CharField(
        label="Your password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="…or a current code from your app",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "inputmode": "numeric"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("password") and not data.get("code"):
            raise forms.ValidationError("Enter your password or a current code from your authenticator app.")
        return data


class DisableForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Current code or a backup code",
        max_length=32,
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
    )
