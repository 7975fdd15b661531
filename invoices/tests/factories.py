from datetime import datetime

from django.utils import timezone

from orders.services import order_set_status
from orders.tests.factories import order_with_lines

DEFAULT_LINES = ((2, 1250, "7.00"), (1, 490, "19.00"), (3, 399, "19.00"))


def paid_order(*, customer, restaurant=None, lines=DEFAULT_LINES, paid_at: datetime | None = None, **kwargs):
    """A customer's order, paid through the real service (optionally back-dated)."""
    if restaurant is not None:
        kwargs["restaurant"] = restaurant
    order = order_with_lines(lines=lines, customer=customer, **kwargs)
    order = order_set_status(order=order, status="paid")
    if paid_at is not None:
        order.paid_at = paid_at
        order.save(update_fields=["paid_at"])
    return order


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args), timezone.get_default_timezone())
