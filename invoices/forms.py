from django import forms

from invoices.models import Invoice


class InvoiceFilterForm(forms.Form):
    date_from = forms.DateField(label="Issued from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="Issued until", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All")] + list(Invoice.Status.choices))

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError("The start date must not be after the end date.")
        return cleaned
