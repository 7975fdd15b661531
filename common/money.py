"""Money rules shared by orders and invoices. Amounts are integer cents.

Menu prices are gross (VAT included). The VAT contained in a gross amount is
computed once per VAT rate on the sum of that rate's gross amounts:

    vat = round_half_up(gross * rate / (100 + rate))
    net = gross - vat

Rounding happens exactly once per rate, and net is derived by subtraction, so
net + vat == gross for every rate and therefore for the whole order, to the
cent, always.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_currency, format_decimal
from django.utils import translation

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF ", "JPY": "¥"}

# "Cents" are the currency's minor unit. ISO 4217 gives most currencies two
# decimals; these are the ones in current use that have none or three.
CURRENCY_DECIMALS = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}


def round_half_up(amount: Decimal) -> int:
    """An exact amount in cents rounded half up (away from zero) to whole cents: the one rounding rule."""
    return int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def vat_from_gross(gross_cents: int, rate: Decimal) -> int:
    """VAT contained in a gross amount, rounded half up to whole cents."""
    rate = Decimal(rate)
    return round_half_up(Decimal(gross_cents) * rate / (Decimal(100) + rate))


@dataclass(frozen=True)
class VatRow:
    rate: Decimal
    gross_cents: int
    vat_cents: int

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.vat_cents


def vat_breakdown(lines: Iterable) -> list[VatRow]:
    """Group lines (with ``vat_rate`` and ``total_cents``) by rate, highest rate first."""
    gross_by_rate: dict[Decimal, int] = {}
    for line in lines:
        rate = Decimal(line.vat_rate).normalize()
        gross_by_rate[rate] = gross_by_rate.get(rate, 0) + line.total_cents
    return [
        VatRow(rate=rate, gross_cents=gross, vat_cents=vat_from_gross(gross, rate))
        for rate, gross in sorted(gross_by_rate.items(), reverse=True)
    ]


def minor_units_to_amount(cents: int, currency: str) -> Decimal:
    """1290 EUR -> Decimal("12.90"); 500 JPY -> Decimal("500")."""
    decimals = CURRENCY_DECIMALS.get(currency, 2)
    return Decimal(int(cents)).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals))


def amount_to_minor_units(amount: Decimal, currency: str) -> int:
    """Decimal("12.90") EUR -> 1290; refuses amounts finer than the currency's smallest unit."""
    decimals = CURRENCY_DECIMALS.get(currency, 2)
    minor = Decimal(amount).scaleb(decimals)
    if minor != minor.to_integral_value():
        places = f"{decimals} decimal places" if decimals else "no decimal places"
        raise ValueError(f"{currency} amounts have {places}.")
    return int(minor)


# Babel's locale for each of our languages (formats: "€1,234.56" in English, "1.234,56 €" in German,
# "1 234,56 €" in French). Any other active language formats as English.
BABEL_LOCALES = {"en": "en", "de": "de_DE", "fr": "fr_FR"}

# A real minus sign, as printed on invoices since the start (Babel's patterns use a hyphen).
MINUS = "\u2212"


def _babel_locale(language: str | None) -> str:
    if language is None:
        language = translation.get_language() or "en"
    return BABEL_LOCALES.get(language.split("-")[0].lower(), "en")


def format_money(cents: int, currency: str, *, language: str | None = None) -> str:
    """An amount in minor units for people, in the active (or given) language.

    123456 EUR -> "€1,234.56" (en), "1.234,56 €" (de), "1 234,56 €" (fr); 500 JPY -> "¥500".
    """
    cents = int(cents)
    amount = minor_units_to_amount(abs(cents), currency)
    text = format_currency(amount, currency, locale=_babel_locale(language))
    return f"{MINUS}{text}" if cents < 0 else text


UNIT_PRICE_EXTRA_PLACES = 2  # EUR unit prices excl. VAT to 4 decimals, as EN 16931 allows (BT-146)


def format_unit_price(minor_units: Decimal, currency: str, *, language: str | None = None) -> str:
    """A unit price in minor units, with two more decimals than the currency, rounded half up.

    Decimal("6.5420560") EUR -> "€0.0654" (en), "0,0654 €" (de). Only for display of
    derived unit prices; amounts are never computed from it.
    """
    decimals = CURRENCY_DECIMALS.get(currency, 2) + UNIT_PRICE_EXTRA_PLACES
    amount = Decimal(minor_units).scaleb(-CURRENCY_DECIMALS.get(currency, 2))
    amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    locale = Locale.parse(_babel_locale(language))
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    integer_part = pattern.split(".")[0] if "." in pattern else pattern
    suffix = pattern.split(".")[1].lstrip("0") if "." in pattern else ""
    pattern = f"{integer_part}.{'0' * decimals}{suffix}"
    text = format_currency(abs(amount), currency, format=pattern, locale=locale, currency_digits=False)
    return f"{MINUS}{text}" if amount < 0 else text


def format_rate(rate: Decimal, *, language: str | None = None) -> str:
    """19.00 -> "19 %", 5.50 -> "5.5 %" (en) / "5,5 %" (de, fr)."""
    text = format_decimal(Decimal(rate).normalize(), locale=_babel_locale(language))
    return f"{text} %"
