from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.countries import country_choices
from common.dates import DateRangeFilterForm
from common.text import validate_document_text
from common.vatid import vat_id_check
from invoices.models import Invoice
from invoices.services.corrections import REASON_MAX_LENGTH


class InvoiceFilterForm(DateRangeFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Invoice.Status.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_from"].label = _("Issued from")
        self.fields["date_to"].label = _("Issued until")


class BuyerForm(forms.Form):
    buyer_name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_document_text])
    buyer_business_name = forms.CharField(
        label=_("Company"), max_length=200, required=False, validators=[validate_document_text]
    )
    buyer_street = forms.CharField(label=_("Street address"), max_length=200, validators=[validate_document_text])
    buyer_postal_code = forms.CharField(label=_("Postal code"), max_length=20, validators=[validate_document_text])
    buyer_city = forms.CharField(label=_("City"), max_length=100, validators=[validate_document_text])
    buyer_country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    buyer_vat_id = forms.CharField(
        label=_("VAT ID"), max_length=50, required=False, validators=[validate_document_text]
    )
    buyer_email = forms.EmailField(label=_("Send it to (email)"), required=False)

    def clean_buyer_vat_id(self):
        value = self.cleaned_data.get("buyer_vat_id", "")
        # The one VAT ID rule (format and check digits per country, python-stdnum).
        return vat_id_check(value).number if value.strip() else ""


class BusinessMealForm(forms.Form):
    """The host's declaration (Bewirtungsbeleg); the rules are ``business_meal_declare``'s."""

    host = forms.CharField(label=_("Host"), max_length=200, required=False, validators=[validate_document_text])
    occasion = forms.CharField(label=_("Occasion"), max_length=300, required=False, validators=[validate_document_text])
    participants = forms.CharField(
        label=_("Participants"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_document_text],
    )


class CorrectionForm(forms.Form):
    """Staff's correction of an issued document: everything or chosen quantities, and the reason.

    Only the input's shape is checked here; what may be credited (no more than
    remains, something but not everything) is ``invoices.services.correction_plan``'s
    rule, checked again under the original's lock when the document is issued.
    """

    FULL = "full"
    PARTIAL = "partial"

    mode = forms.ChoiceField(
        label=_("Correction"),
        widget=forms.RadioSelect,
        choices=[
            (PARTIAL, _("Partial correction (invoice correction): reverse the quantities chosen below")),
            (FULL, _("Full cancellation (cancellation invoice): reverse everything that remains charged")),
        ],
        initial=PARTIAL,
    )
    reason = forms.CharField(
        label=_("Reason (printed on the document)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_document_text],
    )

    def __init__(self, *args, balances, **kwargs):
        super().__init__(*args, **kwargs)
        self.balances = [balance for balance in balances if balance.quantity > 0]
        for balance in self.balances:
            self.fields[f"qty_{balance.line.pk}"] = forms.IntegerField(
                label=_("Quantity to reverse, line %(position)d: %(description)s")
                % {"position": balance.line.position, "description": balance.line.description},
                min_value=0,
                required=False,
                initial=0,
                widget=forms.NumberInput(attrs={"min": 0, "max": balance.quantity, "class": "vIntegerField"}),
            )

    def quantity_fields(self):
        """(balance, bound field) per line that still has something to credit, for the template."""
        return [(balance, self[f"qty_{balance.line.pk}"]) for balance in self.balances]

    def quantities(self) -> dict[int, int] | None:
        """None for the full cancellation, else original line id -> units to credit."""
        if self.cleaned_data["mode"] == self.FULL:
            return None
        return {balance.line.pk: self.cleaned_data.get(f"qty_{balance.line.pk}") or 0 for balance in self.balances}


class DocumentLanguageForm(forms.Form):
    """The language the customer or guest wants the document in; empty: the restaurant's invoice language."""

    language = forms.ChoiceField(
        label=_("Language of the invoice"),
        required=False,
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("Please choose English, German or French for the invoice.")},
    )
