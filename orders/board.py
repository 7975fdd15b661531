"""The staff order board: what it shows, and the small changes made from it.

Status moves go through ``orders.services.order_set_status`` (the one status
rule); this module adds what only the board needs: the open orders grouped by
status in a constant number of queries, the guests' bill requests, and the
sold-out switch for a dish.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orders.models import MenuItem, Order, OrderLine

# The kitchen's columns, left to right; paid and cancelled orders leave the board.
BOARD_STATUSES = (Order.Status.PLACED, Order.Status.PREPARING, Order.Status.SERVED)

# One click on a card moves the order one step along the kitchen's path. Served
# orders are settled as "paid" here (the table's bill does the same in one step).
BOARD_NEXT_STATUS = {
    Order.Status.PLACED: Order.Status.PREPARING,
    Order.Status.PREPARING: Order.Status.SERVED,
    Order.Status.SERVED: Order.Status.PAID,
}

# What the button for a move to each status says (board cards and the order page).
MOVE_LABELS: dict[str, Promise] = {
    Order.Status.PREPARING: _("Mark preparing"),
    Order.Status.SERVED: _("Mark served"),
    Order.Status.PAID: _("Mark paid"),
    Order.Status.CANCELLED: _("Cancel order"),
}


@dataclass(frozen=True, slots=True)
class BoardCard:
    order: Order
    minutes: int
    next_status: str
    next_label: Promise
    bill_minutes: int | None = None


@dataclass
class BoardColumn:
    status: str
    label: str
    cards: list[BoardCard] = field(default_factory=list)


@dataclass
class Board:
    columns: list[BoardColumn]
    bill_requests: list[BoardCard]
    several_restaurants: bool


def board_for(*, orders: QuerySet[Order], now: datetime | None = None) -> Board:
    """The open orders of ``orders`` (already narrowed to the staff member's
    restaurants), oldest first in each status column; two queries however many
    orders are open (orders with table, customer and restaurant; then the lines).
    """
    now = now or timezone.now()
    lines = OrderLine.objects.only("order_id", "name", "quantity").order_by("id")
    open_orders = (
        orders.filter(status__in=BOARD_STATUSES)
        .select_related("table", "customer", "restaurant")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("placed_at", "id")
    )
    columns = {status: BoardColumn(status=status, label=status.label) for status in BOARD_STATUSES}
    bill_requests = []
    restaurant_ids = set()
    for order in open_orders:
        restaurant_ids.add(order.restaurant_id)
        next_status = BOARD_NEXT_STATUS[Order.Status(order.status)]
        card = BoardCard(
            order=order,
            minutes=_minutes_since(order.placed_at, now),
            next_status=next_status,
            next_label=MOVE_LABELS[next_status],
            bill_minutes=None if order.bill_requested_at is None else _minutes_since(order.bill_requested_at, now),
        )
        columns[Order.Status(order.status)].cards.append(card)
        if order.bill_requested_at is not None:
            bill_requests.append(card)
    bill_requests.sort(key=lambda card: card.order.bill_requested_at or now)
    return Board(
        columns=list(columns.values()), bill_requests=bill_requests, several_restaurants=len(restaurant_ids) > 1
    )


def _minutes_since(moment: datetime, now: datetime) -> int:
    # Minutes, not clock times: the same on every device whatever its timezone.
    return max(0, int((now - moment).total_seconds() // 60))


def order_moves(*, order: Order) -> list[tuple[str, Promise]]:
    """The statuses the order may move to next (``Order.STATUS_TRANSITIONS``), with their button labels."""
    allowed = Order.STATUS_TRANSITIONS[Order.Status(order.status)]
    return [(status, label) for status, label in MOVE_LABELS.items() if status in allowed]


class BillRequestRefused(Exception):
    """The order is paid or cancelled: there is no bill left to bring."""


def order_request_bill(*, order: Order) -> bool:
    """Mark that the guest asked for the bill; True if this press was the first.

    Idempotent: pressing again (or two phones at one table at once) keeps the
    first time, decided by one conditional UPDATE. Refused for settled orders.
    """
    if order.status not in BOARD_STATUSES:
        raise BillRequestRefused
    updated = Order.objects.filter(pk=order.pk, status__in=BOARD_STATUSES, bill_requested_at__isnull=True).update(
        bill_requested_at=timezone.now()
    )
    if not updated and not Order.objects.filter(pk=order.pk, status__in=BOARD_STATUSES).exists():
        raise BillRequestRefused
    order.refresh_from_db(fields=["status", "bill_requested_at"])
    return bool(updated)


def order_bill_request_clear(*, order: Order) -> None:
    """Staff have seen to the request: it leaves the board (the guest may ask again)."""
    Order.objects.filter(pk=order.pk).update(bill_requested_at=None)
    order.bill_requested_at = None


def menu_item_set_available(*, item: MenuItem, available: bool) -> MenuItem:
    """Sold out (or back). Saved through the model, so the menu cache's
    post_save signal retires the cached guest menu of the restaurant at once."""
    item.is_available = available
    item.save(update_fields=["is_available"])
    return item


def board_dishes(*, items: QuerySet[MenuItem]) -> list[MenuItem]:
    """The dishes for the sold-out switches, sold-out ones first; one query."""
    return list(
        items.select_related("restaurant")
        .only("id", "name", "is_available", "restaurant__name")
        .order_by("is_available", "restaurant__name", "category__position", "position", "name")
    )
