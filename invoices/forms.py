from django import forms
from django.utils.translation import gettext_lazy as _

from common.dates import DateRangeFilterForm
from invoices.models import Invoice


class InvoiceFilterForm(DateRangeFilterForm):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All")] + list(Invoice.Status.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_from"].label = _("Issued from")
        self.fields["date_to"].label = _("Issued until")
