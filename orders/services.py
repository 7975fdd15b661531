from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orders.models import MenuItem, Order, OrderLine, Table

MAX_QUANTITY_PER_ITEM = 20
MAX_LINES_PER_ORDER = 60
MAX_NOTE_LENGTH = 500


class OrderRejected(ValidationError):
    """The order cannot be placed as submitted; the message is shown to the guest."""


def order_place(*, table: Table, quantities: dict[int, int], note: str = "", customer=None) -> Order:
    """Place an order at a table from ``{menu_item_id: quantity}``.

    Prices, names and VAT rates are read from the database and copied onto the
    lines; nothing price-related is taken from the request. Either the whole
    order is saved or nothing is (raises OrderRejected).
    """
    if not table.is_active:
        raise OrderRejected("This table is not taking orders.")
    wanted = {int(item_id): int(qty) for item_id, qty in quantities.items() if int(qty) != 0}
    if not wanted:
        raise OrderRejected("Your order is empty. Choose at least one item.")
    if any(qty < 0 for qty in wanted.values()):
        raise OrderRejected("Quantities cannot be negative.")
    if any(qty > MAX_QUANTITY_PER_ITEM for qty in wanted.values()):
        raise OrderRejected(
            f"At most {MAX_QUANTITY_PER_ITEM} of one item per order. For larger groups, please ask the staff."
        )
    if len(wanted) > MAX_LINES_PER_ORDER:
        raise OrderRejected("Too many different items in one order.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise OrderRejected(f"The note can be at most {MAX_NOTE_LENGTH} characters.")

    restaurant = table.restaurant
    items = {item.pk: item for item in MenuItem.objects.filter(pk__in=wanted, restaurant=restaurant)}
    if len(items) != len(wanted):
        raise OrderRejected("Some of the items are not on this restaurant's menu.")
    unavailable = [item.name for item in items.values() if not item.is_available]
    if unavailable:
        raise OrderRejected(f"Sorry, no longer available: {', '.join(sorted(unavailable))}.")

    lines = [
        OrderLine(
            menu_item=items[item_id],
            name=items[item_id].name,
            unit_price_cents=items[item_id].price_cents,
            vat_rate=items[item_id].vat_rate,
            quantity=qty,
        )
        for item_id, qty in sorted(wanted.items(), key=lambda kv: (items[kv[0]].category_id, kv[0]))
    ]
    with transaction.atomic():
        order = Order.objects.create(
            restaurant=restaurant,
            table=table,
            customer=customer,
            currency=restaurant.currency,
            note=note,
            total_cents=sum(line.total_cents for line in lines),
        )
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
    return order


# Which status may follow which; "paid" and "cancelled" are final.
ALLOWED_TRANSITIONS = {
    Order.Status.PLACED: {Order.Status.PREPARING, Order.Status.SERVED, Order.Status.PAID, Order.Status.CANCELLED},
    Order.Status.PREPARING: {Order.Status.SERVED, Order.Status.PAID, Order.Status.CANCELLED},
    Order.Status.SERVED: {Order.Status.PAID, Order.Status.CANCELLED},
    Order.Status.PAID: set(),
    Order.Status.CANCELLED: set(),
}

_TIMESTAMP_FIELD = {
    Order.Status.PREPARING: "preparing_at",
    Order.Status.SERVED: "served_at",
    Order.Status.PAID: "paid_at",
    Order.Status.CANCELLED: "cancelled_at",
}


def order_set_status(*, order: Order, status: str) -> Order:
    """Move an order to ``status`` and stamp the time; refuses moves out of a final state.

    Locks the row and re-reads the status so two staff clicking at once cannot
    both succeed (e.g. cancel and mark paid).
    """
    status = Order.Status(status)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if status not in ALLOWED_TRANSITIONS[Order.Status(locked.status)]:
            raise ValidationError(
                f"Order #{locked.pk} is {locked.get_status_display().lower()} and cannot become {status.label.lower()}."
            )
        locked.status = status
        field = _TIMESTAMP_FIELD[status]
        setattr(locked, field, timezone.now())
        locked.save(update_fields=["status", field])
    return locked
