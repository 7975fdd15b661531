from django import template

from common.money import CURRENCY_DECIMALS, CURRENCY_SYMBOLS
from orders.allergens import ALLERGENS, DIET_MARKS

register = template.Library()


@register.simple_tag
def allergen_legend() -> list[tuple[str, str]]:
    """(mark, label) for the diet marks and the 14 allergens, in the order the menu prints them."""
    return [*DIET_MARKS.values(), *((allergen.mark, allergen.label) for allergen in ALLERGENS)]


@register.simple_tag
def money_format(currency: str) -> dict[str, object]:
    """What static/js/basket.js needs to format cents exactly like common.money.format_money."""
    return {
        "code": currency,
        "symbol": CURRENCY_SYMBOLS.get(currency, ""),
        "decimals": CURRENCY_DECIMALS.get(currency, 2),
    }
