"""Template tags for customer-portal pieces shown on pages other apps own (the dashboard)."""

from django import template
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

from orders.selectors import session_guest_orders
from orders.views import GUEST_ORDERS_SESSION_KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def session_claim_orders(context) -> list:
    """Guest orders of this browser session a signed-in customer can still link; [] otherwise.

    Costs no query unless the session remembers guest orders.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated or getattr(request.user, "customer", None) is None:
        return []
    return session_guest_orders(order_ids=request.session.get(GUEST_ORDERS_SESSION_KEY, []))


def format_local_datetime(value, tzinfo) -> str:
    """``value`` on the clock of ``tzinfo`` as "Sun 1 Jun 2025, 23:30".

    The same text as ``dateformat.format(..., "D j M Y, H:i")`` (and the same
    translated day and month names), without its format-string parser, which
    the order history would otherwise run for every row of every page view.
    """
    local = value.astimezone(tzinfo)
    return (
        f"{WEEKDAYS_ABBR[local.weekday()]} {local.day} {str(MONTHS_3[local.month]).title()} "
        f"{local.year:04d}, {local.hour:02d}:{local.minute:02d}"
    )


@register.filter
def local_datetime(value, restaurant):
    """A datetime as the restaurant's clock showed it: ``{{ order.placed_at|local_datetime:order.restaurant }}``.

    Formatted here rather than with ``|date`` because Django's date filter would
    convert the value back to the current (server) timezone first.
    """
    if value is None:
        return ""
    return format_local_datetime(value, restaurant.tzinfo)
