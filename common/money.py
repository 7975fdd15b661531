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


def format_money(cents: int, currency: str) -> str:
    """An amount in the currency's minor units for people: 123456 EUR -> "€1,234.56", 500 JPY -> "¥500"."""
    sign = "−" if cents < 0 else ""
    cents = abs(int(cents))
    decimals = CURRENCY_DECIMALS.get(currency, 2)
    whole, fraction = divmod(cents, 10**decimals)
    amount = f"{whole:,}.{fraction:0{decimals}d}" if decimals else f"{whole:,}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{amount}"
    return f"{sign}{amount} {currency}"


UNIT_PRICE_EXTRA_PLACES = 2  # EUR unit prices excl. VAT to 4 decimals, as EN 16931 allows (BT-146)


def format_unit_price(minor_units: Decimal, currency: str) -> str:
    """A unit price in minor units, with two more decimals than the currency, rounded half up.

    Decimal("6.5420560") EUR -> "€0.0654". Only for display of derived unit
    prices; amounts are never computed from it.
    """
    decimals = CURRENCY_DECIMALS.get(currency, 2) + UNIT_PRICE_EXTRA_PLACES
    amount = Decimal(minor_units).scaleb(-CURRENCY_DECIMALS.get(currency, 2))
    amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    text = f"{abs(amount):,.{decimals}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def format_rate(rate: Decimal) -> str:
    """19.00 -> "19 %", 5.50 -> "5.5 %"."""
    text = f"{Decimal(rate).normalize():f}"
    return f"{text} %"
