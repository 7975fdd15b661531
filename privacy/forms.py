from allauth.account.forms import ReauthenticateForm as AllauthReauthenticateForm
from django import forms
from django.utils.translation import gettext_lazy as _

from customers.mfa.forms import CODE_WIDGET_ATTRS
from customers.mfa.services import mfa_is_enabled
from privacy.services import PrivacyRefused, privacy_second_factor_confirm

CODE_LABEL = _("Code from your authenticator app")
CODE_HELP = _("The 6-digit code from your app, or one of your backup codes.")


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=CODE_LABEL,
        help_text=CODE_HELP,
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
    )


class ReauthenticateForm(AllauthReauthenticateForm):
    """allauth's "confirm it's you" (``ACCOUNT_FORMS["reauthenticate"]``), plus the second factor when MFA is on.

    allauth checks the password; with MFA on the account a current or backup
    code must follow, or a stolen unlocked session plus a shoulder-surfed
    password would be enough. The code is checked only after a correct
    password (so a typo does not burn a backup code) and through the one MFA
    check (throttled, no replay). Checking it is a side effect allauth's
    design puts in the form, like its own password check.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mfa_enabled = mfa_is_enabled(user=self.user)
        if self.mfa_enabled:
            self.fields["code"] = _code_field()

    def clean(self):
        data = super().clean()
        if self.mfa_enabled and not self.errors and data.get("code"):
            try:
                privacy_second_factor_confirm(user=self.user, code=data["code"])
            except PrivacyRefused as refusal:
                self.add_error("code", refusal.message)
        return data


class AccountDeleteForm(forms.Form):
    """What the deletion page asks; the checks themselves are ``privacy.services.account_delete``'s."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted for good and cannot be restored."),
        error_messages={"required": _("Tick the box to confirm that you want to delete your account.")},
    )

    def __init__(self, *args, mfa_enabled: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if mfa_enabled:
            self.fields["code"] = _code_field()
            # Password, code, then the confirmation last, next to the button.
            self.order_fields(["password", "code", "confirm"])
