"""Template tags for customer-portal pieces shown on pages other apps own (the dashboard)."""

from django import template

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


@register.filter
def local_time(value, restaurant):
    """A datetime in the restaurant's timezone: {{ order.placed_at|local_time:order.restaurant|date:"…" }}."""
    if value is None:
        return ""
    return value.astimezone(restaurant.tzinfo)
