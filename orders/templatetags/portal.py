"""Template tags for customer-portal pieces shown on pages other apps own (the dashboard)."""

from django import template
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import get_language

from customers.access import portal_customer
from orders.guest_session import guest_order_ids
from orders.selectors import session_guest_orders

register = template.Library()


@register.simple_tag(takes_context=True)
def session_claim_orders(context) -> list:
    """Guest orders of this browser session a signed-in customer can still link; [] otherwise.

    Costs no query unless the session remembers guest orders.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    order_ids = guest_order_ids(session=request.session)
    if not order_ids or portal_customer(request) is None:
        return []
    return session_guest_orders(order_ids=order_ids)


class LocalDateTimeFormat:
    """Formats datetimes on a restaurant's clock as "Sun 1 Jun 2025, 23:30".

    The same text as ``dateformat.format(..., "D j M Y, H:i")`` (and the same
    translated day and month names, looked up once per language), without its
    format-string parser, which the order history would otherwise run for
    every row of every page view.
    """

    def __init__(self):
        self.days = [str(WEEKDAYS_ABBR[day]) for day in range(7)]
        self.months = [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]

    def __call__(self, value, tzinfo) -> str:
        local = value.astimezone(tzinfo)
        return (
            f"{self.days[local.weekday()]} {local.day} {self.months[local.month]} "
            f"{local.year:04d}, {local.hour:02d}:{local.minute:02d}"
        )


_formats: dict[str, LocalDateTimeFormat] = {}


def format_local_datetime(value, tzinfo) -> str:
    language = get_language() or ""
    if language not in _formats:
        _formats[language] = LocalDateTimeFormat()
    return _formats[language](value, tzinfo)


@register.filter
def local_datetime(value, restaurant):
    """A datetime as the restaurant's clock showed it: ``{{ order.placed_at|local_datetime:order.restaurant }}``.

    Formatted here rather than with ``|date`` because Django's date filter would
    convert the value back to the current (server) timezone first.
    """
    if value is None:
        return ""
    return format_local_datetime(value, restaurant.tzinfo)
