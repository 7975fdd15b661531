import re

from allauth.account.adapter import get_adapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import SignupForm
from allauth.account.internal.flows.login import perform_login
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.models import EmailAddress, Login
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.countries import country_choices
from common.text import validate_document_text
from common.vatid import vat_id_check
from customers.models import Customer


class RegisterForm(SignupForm):
    """allauth's signup form plus the customer's full name.

    Enumeration safety: with optional verification allauth would answer
    "already registered" for a known address. Here a known address passes
    validation, no account is created, the owner gets an "you already have an
    account" mail, and the browser sees the same "check your inbox" page as
    for a new account (RegisterView sends both through mandatory verification).
    """

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        validators=[validate_document_text],
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Alex Example")}),
    )
    field_order = ["full_name", "email", "password1"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "placeholder": _("you@example.com")})
        self.fields["password1"].widget.attrs.pop("placeholder", None)

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise forms.ValidationError(_("Please enter your name."))
        return value

    def validate_unique_email(self, value: str) -> str:
        value = get_adapter().validate_unique_email(value)
        self.account_already_exists = bool(filter_users_by_email(value)) or (
            EmailAddress.objects.filter(email__iexact=value).exists()
        )
        return value

    def try_save(self, request):
        if self.account_already_exists:
            # A new account costs one password hash (Argon2, tens of ms); hash
            # here too, so the answer for a known address takes as long.
            make_password(self.cleaned_data["password1"])
            login = Login(
                user=None,
                email=self.cleaned_data["email"],
                signup=True,
                email_verification=EmailVerificationMethod.MANDATORY,
            )
            return None, perform_login(request, login)
        return super().try_save(request)

    def signup(self, request, user) -> None:
        # Called by allauth right after the user row is saved, before the
        # verification mail: the profile exists whatever happens to the mail.
        from customers.services import customer_create

        customer_create(user=user, full_name=self.cleaned_data["full_name"])


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": _("you@example.com")}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


POSTAL_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()/-]{5,24}$")
ADDRESS_FIELDS = ("street", "postal_code", "city", "country")
# Whole sentences per field: a field name spliced into one sentence reads wrong in German and French.
ADDRESS_MISSING = {
    "street": _("Please add the street and number too, or leave the whole address empty."),
    "postal_code": _("Please add the postal code too, or leave the whole address empty."),
    "city": _("Please add the city too, or leave the whole address empty."),
    "country": _("Please add the country too, or leave the whole address empty."),
}


class ProfileForm(forms.ModelForm):
    """Business and billing details as they will appear on invoices."""

    country = forms.ChoiceField(
        label=_("Country"),
        # A callable, so the names are those of the language active when the page is shown.
        choices=lambda: [("", _("— Choose a country —")), *country_choices()],
        required=False,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    # The account's language (User.language), not a Customer field: pages and mails use it.
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("Browser language")), *settings.LANGUAGES],
        required=False,
        help_text=_("Pages and emails appear in this language when you are signed in."),
    )

    class Meta:
        model = Customer
        fields = ["full_name", "business_name", "vat_id", "street", "postal_code", "city", "country", "phone"]
        labels = {
            "full_name": _("Full name"),
            "business_name": _("Business name"),
            "vat_id": _("VAT ID"),
            "street": _("Street and number"),
            "postal_code": _("Postal code"),
            "city": _("City"),
            "phone": _("Phone"),
        }
        help_texts = {
            "business_name": _("Only if invoices should be made out to a company."),
            "vat_id": _("EU VAT ID for business invoices, e.g. DE136695976; checked for format and check digits."),
            "phone": _("In case the restaurant needs to reach you, e.g. +49 30 1234567."),
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "business_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "text"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        if self.instance.pk and not self.is_bound:
            self.initial.setdefault("language", self.instance.user.language)

    def _clean_text(self, name: str) -> str:
        return " ".join((self.cleaned_data.get(name) or "").split())

    def clean_full_name(self) -> str:
        value = self._clean_text("full_name")
        if not value:
            raise forms.ValidationError(_("Please enter your name; it appears on your invoices."))
        return value

    def clean_business_name(self) -> str:
        return self._clean_text("business_name")

    def clean_street(self) -> str:
        return self._clean_text("street")

    def clean_city(self) -> str:
        return self._clean_text("city")

    def clean_postal_code(self) -> str:
        value = self._clean_text("postal_code").upper()
        if value and not POSTAL_CODE_RE.match(value):
            raise forms.ValidationError(_("Use 2 to 10 letters, digits, spaces or dashes, e.g. 10115 or SW1A 1AA."))
        return value

    def clean_vat_id(self) -> str:
        # Format and check digits per country (common.vatid); stored compact ("DE 136 695 976" -> "DE136695976").
        value = self.cleaned_data.get("vat_id") or ""
        if not value.strip():
            self.vat_id_checked_at = None
            return ""
        try:
            check = vat_id_check(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None
        self.vat_id_checked_at = check.checked_at
        return check.number

    def clean_phone(self) -> str:
        value = self._clean_text("phone")
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(_("Use digits, spaces and an optional leading +, e.g. +49 30 1234567."))
        return value

    def clean(self):
        cleaned = super().clean()
        given = [name for name in ADDRESS_FIELDS if cleaned.get(name)]
        # A partial address cannot go on an invoice; say exactly what is missing.
        if given and len(given) < len(ADDRESS_FIELDS):
            for name in ADDRESS_FIELDS:
                if name not in given and name not in self.errors:
                    self.add_error(name, ADDRESS_MISSING[name])
        cleaned["vat_id_checked_at"] = getattr(self, "vat_id_checked_at", None)
        return cleaned
