"""Guest orders remembered in the browser session, so the guest can link them to an account after signing in.

The one owner of the session key: views, the portal and template tags read
and write it only through these helpers. The session holds order ids only;
what may be linked is decided by ``orders.services.order_claim_session_orders``.
"""

from orders.models import Order

GUEST_ORDERS_SESSION_KEY = "guest_order_ids"
# The newest ones only; an older order can still be added with its receipt code.
GUEST_ORDERS_KEPT = 50


def guest_order_ids(*, session) -> list[int]:
    """The guest orders this session remembers (ids only; anything else in the list is ignored)."""
    return [pk for pk in session.get(GUEST_ORDERS_SESSION_KEY, []) if isinstance(pk, int)]


def guest_order_remember(*, session, order: Order) -> None:
    """Remember an order placed as a guest (one without a customer); placing it again adds nothing."""
    remembered = session.get(GUEST_ORDERS_SESSION_KEY, [])
    if order.customer_id is None and order.pk not in remembered:
        session[GUEST_ORDERS_SESSION_KEY] = (remembered + [order.pk])[-GUEST_ORDERS_KEPT:]


def guest_orders_forget(*, session) -> None:
    """Forget the remembered orders (linked or dismissed)."""
    session.pop(GUEST_ORDERS_SESSION_KEY, None)
