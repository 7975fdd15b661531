from django import forms

from orders.models import CLAIM_CODE_LENGTH, Order
from orders.services import MAX_NOTE_LENGTH, MAX_QUANTITY_PER_ITEM, claim_code_normalize

QTY_PREFIX = "qty_"
# Form fields a real menu page sends; anything else (say, a "price_3" field) is tampering.
_ALLOWED_EXTRA_FIELDS = {"csrfmiddlewaretoken", "note"}


class OrderForm(forms.Form):
    """Quantities per menu item of one restaurant plus an optional note.

    One integer field per item, named ``qty_<item id>``. Unknown fields are
    refused rather than ignored so a forged price never goes unnoticed.
    """

    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Allergies, no onions, …"}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"{QTY_PREFIX}{item.pk}"] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=MAX_QUANTITY_PER_ITEM,
                error_messages={
                    "min_value": "Quantities cannot be negative.",
                    "max_value": f"At most {MAX_QUANTITY_PER_ITEM} per item.",
                    "invalid": "Enter a whole number.",
                },
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": MAX_QUANTITY_PER_ITEM, "inputmode": "numeric", "class": "qty-input"}
                ),
            )

    def clean(self):
        cleaned = super().clean()
        unexpected = [key for key in self.data if key not in self.fields and key not in _ALLOWED_EXTRA_FIELDS]
        if unexpected:
            if any(key.startswith(QTY_PREFIX) for key in unexpected):
                raise forms.ValidationError("Some of the items are not on this restaurant's menu.")
            raise forms.ValidationError(
                "The order contained fields we do not accept (prices are set by the restaurant). "
                "Please review your order and send it again."
            )
        return cleaned

    def quantities(self) -> dict[int, int]:
        return {
            item.pk: self.cleaned_data.get(f"{QTY_PREFIX}{item.pk}") or 0
            for item in self.items
            if self.cleaned_data.get(f"{QTY_PREFIX}{item.pk}")
        }

    def bound_rows(self):
        """(item, bound quantity field) pairs for the template."""
        return [(item, self[f"{QTY_PREFIX}{item.pk}"]) for item in self.items]


# --- Customer portal ------------------------------------------------------------------


class ClaimCodeForm(forms.Form):
    """A receipt code as printed (ABCDE-12345), typed in any case, with or without the dash."""

    code = forms.CharField(
        label="Receipt code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "XXXXX-XXXXX",
                "class": "code-input",
            }
        ),
        help_text="You find it on your order confirmation, below the order.",
        error_messages={"required": "Enter the receipt code from your order confirmation."},
    )

    def clean_code(self):
        code = claim_code_normalize(code=self.cleaned_data["code"])
        if not code:
            # Only the shape is checked here, which says nothing about which codes exist.
            raise forms.ValidationError(f"A receipt code has {CLAIM_CODE_LENGTH} letters and digits, like 7KQ2M-XD4P9.")
        return code


class OrderHistoryFilterForm(forms.Form):
    """Filters of the order history, read from the query string (GET)."""

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Order.Status.choices])
    restaurant = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=())
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a valid date, e.g. 2025-03-31."},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a valid date, e.g. 2025-03-31."},
    )

    def __init__(self, *args, restaurants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restaurant"].choices = [("", "All restaurants")] + [(r.pk, r.name) for r in restaurants]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned
