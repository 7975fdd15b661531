"""The staff order board: what it shows, and the small changes made from it.

Status moves go through ``orders.services.order_set_status`` (the one status
rule); this module adds what only the board needs: the open orders grouped by
status in a constant number of queries, the guests' bill requests, and the
sold-out switch for a dish.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

# A status inside a sentence ("order #12 is now %(status)s"). Not the label lowercased:
# German capitalizes nouns ("in Zubereitung"), so each language words it itself.
STATUS_IN_SENTENCE: dict[str, Promise] = {
    Order.Status.PLACED: pgettext_lazy("order status inside a sentence", "placed"),
    Order.Status.PREPARING: pgettext_lazy("order status inside a sentence", "preparing"),
    Order.Status.SERVED: pgettext_lazy("order status inside a sentence", "served"),
    Order.Status.PAID: pgettext_lazy("order status inside a sentence", "paid"),
    Order.Status.CANCELLED: pgettext_lazy("order status inside a sentence", "cancelled"),
}


def status_in_sentence(status: str) -> str:
    """How ``status`` reads inside a sentence in the active language."""
    return str(STATUS_IN_SENTENCE[Order.Status(status)])


# What the button for a move to each status says (board cards and the order page).
MOVE_LABELS: dict[str, Promise] = {
    Order.Status.PREPARING: _("Mark preparing"),
    Order.Status.SERVED: _("Mark served"),
    Order.Status.PAID: _("Mark paid"),
    Order.Status.CANCELLED: _("Cancel order"),
}


@dataclass(frozen=True, slots=True)
class BoardOrder:
    """The columns of an open order that its card shows (plain values: up to hundreds per poll)."""

    pk: int
    status: str
    placed_at: datetime
    note: str
    bill_requested_at: datetime | None
    restaurant_id: int
    restaurant_name: str
    table_label: str
    customer_id: int | None
    customer_name: str
    lines: list[tuple[int, str]] = field(default_factory=list)  # (quantity, dish)


@dataclass(frozen=True, slots=True)
class BoardCard:
    order: BoardOrder
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


_BOARD_FIELDS = (
    "id",
    "status",
    "placed_at",
    "note",
    "bill_requested_at",
    "restaurant_id",
    "restaurant__name",
    "table__label",
    "customer_id",
    "customer__full_name",
)


def board_for(*, orders: QuerySet[Order], now: datetime | None = None) -> Board:
    """The open orders of ``orders`` (already narrowed to the staff member's
    restaurants), oldest first in each status column; two queries however many
    orders are open (the orders with table, customer and restaurant; their lines).
    Rows are read as tuples: building hundreds of model instances per poll was
    most of the poll's cost.
    """
    now = now or timezone.now()
    rows = orders.filter(status__in=BOARD_STATUSES).order_by("placed_at", "id").values_list(*_BOARD_FIELDS)
    board_orders = {row[0]: BoardOrder(*row) for row in rows}
    if board_orders:
        lines = OrderLine.objects.filter(order_id__in=list(board_orders)).order_by("id")
        for order_id, quantity, name in lines.values_list("order_id", "quantity", "name"):
            board_orders[order_id].lines.append((quantity, name))
    columns = {status: BoardColumn(status=status, label=str(status.label)) for status in BOARD_STATUSES}
    bill_requests = []
    for order in board_orders.values():
        status = Order.Status(order.status)
        next_status = BOARD_NEXT_STATUS[status]
        card = BoardCard(
            order=order,
            minutes=_minutes_since(order.placed_at, now),
            next_status=next_status,
            next_label=MOVE_LABELS[next_status],
            bill_minutes=None if order.bill_requested_at is None else _minutes_since(order.bill_requested_at, now),
        )
        columns[status].cards.append(card)
        if order.bill_requested_at is not None:
            bill_requests.append(card)
    bill_requests.sort(key=lambda card: card.order.bill_requested_at or now)
    several = len({order.restaurant_id for order in board_orders.values()}) > 1
    return Board(columns=list(columns.values()), bill_requests=bill_requests, several_restaurants=several)


def _minutes_since(moment: datetime, now: datetime) -> int:
    # Minutes, not clock times: the same on every device whatever its timezone.
    return max(0, int((now - moment).total_seconds() // 60))


# --- What changed since the last poll ---------------------------------------------------

_VERSION_KEY = "board-version:{restaurant_id}"
# Only bounds memory: a lost version is replaced by a new one, which just costs one render.
_VERSION_TTL_SECONDS = 24 * 60 * 60


def board_changed(*, restaurant_id: int) -> None:
    """Every open board of the restaurant re-renders on its next poll; call after any change to its orders."""
    key = _VERSION_KEY.format(restaurant_id=restaurant_id)
    cache.set(key, uuid.uuid4().hex, _VERSION_TTL_SECONDS)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, _VERSION_TTL_SECONDS))


def board_etag(*, restaurant_ids: list[int], viewer: str) -> str:
    """Changes whenever the board of these restaurants may look different to this viewer
    (an order changed). One cache round trip. The ages on the cards are not part of
    it: the page's script counts them on from each card's placing time."""
    keys = [_VERSION_KEY.format(restaurant_id=pk) for pk in sorted(restaurant_ids)]
    versions = cache.get_many(keys)
    for key in set(keys) - versions.keys():
        versions[key] = uuid.uuid4().hex
        cache.add(key, versions[key], _VERSION_TTL_SECONDS)
    digest = hashlib.sha256("|".join([viewer, *(versions[key] for key in keys)]).encode())
    return f'"{digest.hexdigest()[:32]}"'


def _on_order_saved(sender: type, instance: Order, **kwargs: object) -> None:
    board_changed(restaurant_id=instance.restaurant_id)


def connect_signals() -> None:
    # Placing an order and every status move save the row; the bill flag is set by
    # UPDATE below and bumps explicitly.
    post_save.connect(_on_order_saved, sender=Order, dispatch_uid="order-board-version")


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
    if updated:
        board_changed(restaurant_id=order.restaurant_id)
    order.refresh_from_db(fields=["status", "bill_requested_at"])
    return bool(updated)


def order_bill_request_clear(*, order: Order) -> None:
    """Staff have seen to the request: it leaves the board (the guest may ask again)."""
    Order.objects.filter(pk=order.pk).update(bill_requested_at=None)
    order.bill_requested_at = None
    board_changed(restaurant_id=order.restaurant_id)


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
