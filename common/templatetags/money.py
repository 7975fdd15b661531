from decimal import Decimal

from django import template

from common.money import format_money, format_rate, format_unit_price

register = template.Library()


@register.filter
def money(cents: int | str | None, currency: str = "EUR") -> str:
    """{{ order.total_cents|money:order.currency }}"""
    if cents is None or cents == "":
        return ""
    return format_money(int(cents), currency)


@register.filter
def unit_price(minor_units: Decimal | str | None, currency: str = "EUR") -> str:
    """{{ line.unit_price_net_exact|unit_price:invoice.currency }}: two decimals more than the currency."""
    if minor_units is None or minor_units == "":
        return ""
    return format_unit_price(Decimal(minor_units), currency)


@register.filter
def vat_rate(rate: Decimal) -> str:
    return format_rate(rate)
