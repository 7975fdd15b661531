from django import forms

from orders.services import MAX_NOTE_LENGTH, MAX_QUANTITY_PER_ITEM

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
