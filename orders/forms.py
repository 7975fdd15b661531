import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from common.dates import DateRangeFilterForm
from common.text import validate_document_text
from orders.models import CLAIM_CODE_LENGTH, Order
from orders.services import MAX_NOTE_LENGTH, MAX_QUANTITY_PER_ITEM, claim_code_normalize

QTY_FIELD = re.compile(r"^qty_([1-9][0-9]{0,17})$")
# Form fields a real menu page sends; anything else (say, a "price_3" field) is tampering.
_ALLOWED_EXTRA_FIELDS = {"csrfmiddlewaretoken", "note", "submission"}
MAX_SUBMITTED_FIELDS = 200


def qty_field_name(item_id: int) -> str:
    return f"qty_{item_id}"


class OrderForm(forms.Form):
    """Quantities (``qty_<menu item id>``) plus an optional note.

    The form checks the shape of the input only: whole numbers between 0 and
    MAX_QUANTITY_PER_ITEM, no unknown fields (a forged price is refused rather
    than ignored). Whether the items exist on this restaurant's menu and are
    available is the service's rule (``order_place``), so the menu is not
    loaded to validate an order.
    """

    note = forms.CharField(required=False, max_length=MAX_NOTE_LENGTH, validators=[validate_document_text])
    # The form's idempotency key (see order_place); optional so an old page still orders.
    submission = forms.UUIDField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unexpected_fields = []
        for key in list(self.data.keys())[:MAX_SUBMITTED_FIELDS]:
            if QTY_FIELD.match(key):
                self.fields[key] = forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=MAX_QUANTITY_PER_ITEM,
                    error_messages={
                        "min_value": _("Quantities cannot be negative."),
                        "max_value": _("At most %(limit_value)s per item."),
                        "invalid": _("Enter a whole number."),
                    },
                )
            elif key not in _ALLOWED_EXTRA_FIELDS:
                self.unexpected_fields.append(key)

    def clean(self):
        cleaned = super().clean()
        if len(self.data) > MAX_SUBMITTED_FIELDS:
            raise forms.ValidationError(_("Too many different items in one order."))
        if any(key.startswith("qty_") for key in self.unexpected_fields):
            raise forms.ValidationError(_("Some of the items are not on this restaurant's menu."))
        if self.unexpected_fields:
            raise forms.ValidationError(
                _(
                    "The order contained fields we do not accept (prices are set by the restaurant). "
                    "Please review your order and send it again."
                )
            )
        return cleaned

    def quantities(self) -> dict[int, int]:
        return {
            int(QTY_FIELD.match(name).group(1)): value
            for name, value in self.cleaned_data.items()
            if name.startswith("qty_") and value
        }


# --- Customer portal ------------------------------------------------------------------


class ClaimCodeForm(forms.Form):
    """A receipt code as printed (ABCDE-12345), typed in any case, with or without the dash."""

    code = forms.CharField(
        label=_("Receipt code"),
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
        help_text=_("You find it on your order confirmation, below the order."),
        error_messages={"required": _("Enter the receipt code from your order confirmation.")},
    )

    def clean_code(self):
        code = claim_code_normalize(code=self.cleaned_data["code"])
        if not code:
            # Only the shape is checked here, which says nothing about which codes exist.
            raise forms.ValidationError(
                _("A receipt code has %(length)s letters and digits, like 7KQ2M-XD4P9."),
                params={"length": CLAIM_CODE_LENGTH},
            )
        return code


@dataclass(frozen=True)
class FilterControl:
    name: str
    id: str
    label: str
    value: str
    options: list[tuple[str, str, bool]] | None  # a <select>'s (value, label, selected); None: a date input
    errors: list[str]


class OrderHistoryFilterForm(DateRangeFilterForm):
    """Filters of the order history, read from the query string (GET)."""

    field_order = ["status", "restaurant", "date_from", "date_to"]

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Order.Status.choices]
    )
    restaurant = forms.TypedChoiceField(label=_("Restaurant"), required=False, coerce=int, empty_value=None, choices=())

    def __init__(self, *args, restaurants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restaurant"].choices = [("", _("All restaurants"))] + [(r.pk, r.name) for r in restaurants]

    def controls(self) -> list[FilterControl]:
        """The fields as plain data for the template, which writes the four controls itself.

        The history page is the portal's busiest; Django's per-widget templates
        cost more than the rest of its filter box. The markup matches what the
        widgets would render (ids, names, values, ``selected``, aria attributes).
        """
        result = []
        for bound in self:
            value = bound.value()
            value = "" if value is None else str(value)
            options = None
            if isinstance(bound.field, forms.ChoiceField):
                options = [(str(key), label, str(key) == value) for key, label in bound.field.choices]
            result.append(
                FilterControl(
                    name=bound.name,
                    id=bound.auto_id,
                    label=bound.label,
                    value=value,
                    options=options,
                    errors=list(bound.errors),
                )
            )
        return result
