"""Template tags for customer-portal pieces shown on pages other apps own (the dashboard)."""

from django import template

from common.dates import format_local_datetime
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


@register.filter
def local_datetime(value, restaurant):
    """A datetime as the restaurant's clock showed it: ``{{ order.placed_at|local_datetime:order.restaurant }}``.

    Formatted here rather than with ``|date`` because Django's date filter would
    convert the value back to the current (server) timezone first.
    """
    if value is None:
        return ""
    return format_local_datetime(value, restaurant.tzinfo)
