"""Form fields shared by the apps."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import formats
from django.utils.functional import lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def amount_example(amount: str) -> str:
    """``amount`` as the active language writes it: "12,90" in German and French, "12.90" in English."""
    return formats.number_format(Decimal(amount), 2, use_l10n=True)


def _help_with_example(message: "StrOrPromise", amount: str) -> str:
    return str(message) % {"example": amount_example(amount)}


# A help text whose "%(example)s" is an amount in the reader's notation, resolved when it is shown.
help_with_example = lazy(_help_with_example, str)


class AmountField(forms.DecimalField):
    """An amount typed as on a menu card or a till, in the reader's notation ("3,50" in German).

    Localized (Django's ``localize``): shown with the active language's decimal
    separator and read back with it; a point is read as a decimal point too. A
    text box with a decimal keypad rather than ``type=number``, whose parsing
    depends on the browser's own locale (a German "3,50" could arrive as
    "350"). In English a comma is refused ("Enter a number"), never read as 350.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
