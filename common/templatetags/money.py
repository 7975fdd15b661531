from decimal import Decimal

from django import template

from common.money import format_money, format_rate

register = template.Library()


@register.filter
def money(cents: int | str | None, currency: str = "EUR") -> str:
    """{{ order.total_cents|money:order.currency }}"""
    if cents is None or cents == "":
        return ""
    return format_money(int(cents), currency)


@register.filter
def vat_rate(rate: Decimal) -> str:
    return format_rate(rate)
