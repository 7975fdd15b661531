import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from customers.models import Customer
from orders.board import status_in_sentence
from orders.models import CLAIM_CODE_ALPHABET, CLAIM_CODE_LENGTH, MAX_NOTE_LENGTH, MenuItem, Order, OrderLine, Table
from orders.selectors import customer_restaurants_changed
from orders.translation import menu_names, menu_text

MAX_QUANTITY_PER_ITEM = 20
MAX_LINES_PER_ORDER = 60


class OrderRejected(ValidationError):
    """The order cannot be placed as submitted; the message is shown to the guest."""


def order_place(
    *,
    table: Table,
    quantities: dict[int, int],
    note: str = "",
    customer: Customer | None = None,
    submission_key: uuid.UUID | None = None,
) -> Order:
    """Place an order at a table from ``{menu_item_id: quantity}``.

    Prices, names and VAT rates are read from the database and copied onto the
    lines; nothing price-related is taken from the request. Either the whole
    order is saved or nothing is (raises OrderRejected).

    Idempotent per ``submission_key`` (the menu form's): sending the same form
    again, even concurrently, returns the order it placed instead of a second
    one. The unique index decides, so the common path costs no extra query.
    """
    if not table.is_active:
        raise OrderRejected(_("This table is not taking orders."))
    wanted = {int(item_id): int(qty) for item_id, qty in quantities.items() if int(qty) != 0}
    if not wanted:
        raise OrderRejected(_("Your order is empty. Choose at least one item."))
    if any(qty < 0 for qty in wanted.values()):
        raise OrderRejected(_("Quantities cannot be negative."))
    if any(qty > MAX_QUANTITY_PER_ITEM for qty in wanted.values()):
        raise OrderRejected(
            _("At most %(count)s of one item per order. For larger groups, please ask the staff.")
            % {"count": MAX_QUANTITY_PER_ITEM}
        )
    if len(wanted) > MAX_LINES_PER_ORDER:
        raise OrderRejected(_("Too many different items in one order."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise OrderRejected(_("The note can be at most %(count)s characters.") % {"count": MAX_NOTE_LENGTH})

    restaurant = table.restaurant
    # order_by(): MenuItem's default ordering joins the categories, and the
    # lines are sorted below anyway.
    items = {item.pk: item for item in MenuItem.objects.filter(pk__in=wanted, restaurant=restaurant).order_by()}
    if len(items) != len(wanted):
        raise OrderRejected(_("Some of the items are not on this restaurant's menu."))
    language = restaurant.language or "en"
    guest_language = get_language()
    unavailable = [
        menu_text(item, "name", language=guest_language, fallback=language)
        for item in items.values()
        if not item.is_available
    ]
    if unavailable:
        raise OrderRejected(_("Sorry, no longer available: %(dishes)s.") % {"dishes": ", ".join(sorted(unavailable))})

    lines = []
    for item_id, qty in sorted(wanted.items(), key=lambda kv: (items[kv[0]].category_id, kv[0])):
        # Frozen now: staff read the restaurant's own language, documents any language it had.
        name, names = menu_names(items[item_id], restaurant_language=language)
        lines.append(
            OrderLine(
                menu_item=items[item_id],
                name=name,
                names=names,
                unit_price_cents=items[item_id].price_cents,
                vat_rate=items[item_id].vat_rate,
                quantity=qty,
            )
        )
    try:
        with transaction.atomic():
            order = Order.objects.create(
                restaurant=restaurant,
                table=table,
                customer=customer,
                currency=restaurant.currency,
                note=note,
                total_cents=sum(line.total_cents for line in lines),
                submission_key=submission_key,
            )
            for line in lines:
                line.order = order
            OrderLine.objects.bulk_create(lines)
            if customer is not None:
                customer_restaurants_changed(customer_id=customer.pk, restaurant_id=restaurant.pk)
    except IntegrityError:
        if not submission_key:
            raise
        placed = Order.objects.filter(submission_key=submission_key).first()
        if placed is None:
            raise
        if _same_order(placed, table=table, wanted=wanted, note=note, customer=customer):
            return placed
        # The same form with other contents (sent again after going back and
        # changing it, or a key from elsewhere): a new order, not a repeat.
        return order_place(table=table, quantities=wanted, note=note, customer=customer)
    return order


def _same_order(order: Order, *, table: Table, wanted: dict[int, int], note: str, customer: Customer | None) -> bool:
    return (
        order.table_id == table.pk
        and order.customer_id == (customer.pk if customer is not None else None)
        and order.note == note
        and dict(order.lines.values_list("menu_item_id", "quantity")) == wanted
    )


class StatusChanged(ValidationError):
    """The order is no longer in the status the staff member saw: someone else moved it first."""


def order_set_status(
    *, order: Order, status: str, expected_status: str | None = None, actor: Any = None, request: Any = None
) -> Order:
    """Move an order to ``status`` and stamp the time; refuses moves out of a final state.

    Locks the row and re-reads the status so two staff clicking at once cannot
    both succeed (e.g. cancel and mark paid). With ``expected_status`` (the
    status the staff member's screen showed) a move from any other status is
    refused with StatusChanged, so the second of two clicks on "next" never
    skips a step. Each move writes one ORDER_STATUS audit entry (old → new) in
    the same transaction; ``actor`` empty means the system.
    """
    status = Order.Status(status)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        current = Order.Status(locked.status)
        if expected_status is not None and current != expected_status:
            raise StatusChanged(
                _("Someone else was faster: order #%(pk)s is already %(status)s.")
                % {"pk": locked.pk, "status": status_in_sentence(current)}
            )
        if status not in Order.STATUS_TRANSITIONS[current]:
            raise ValidationError(
                _("Order #%(pk)s is %(status)s and cannot become %(new_status)s.")
                % {"pk": locked.pk, "status": status_in_sentence(current), "new_status": status_in_sentence(status)}
            )
        locked.status = status
        field = Order.STATUS_TIMESTAMPS[status]
        setattr(locked, field, timezone.now())
        locked.save(update_fields=["status", field])
        audit_record(
            action=AuditEntry.Action.ORDER_STATUS,
            request=request,
            actor=actor,
            restaurant_id=locked.restaurant_id,
            obj=locked,
            data={"from": str(current), "to": str(status)},
        )
    return locked


# --- Linking orders to customer accounts ------------------------------------------

# Crockford base32 decoding rules: readers confuse O/0 and I/L/1, so accept either.
_CLAIM_CODE_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class ClaimRefused(ValidationError):
    """The code does not lead to an order this customer may claim.

    Deliberately one message for "no such code", "already claimed" and "claimed
    by someone else", so the answer never tells a guesser that a code exists.
    """


# Marked for the catalogs; translated where it is raised (the constant stays a plain string).
CLAIM_REFUSED_MESSAGE = gettext_noop(
    "This code does not match an order that can be added to your account. "
    "Check the receipt code on your order confirmation and try again."
)


def claim_code_normalize(*, code: str) -> str:
    """Upper case, without dashes or spaces, look-alike letters mapped to digits.

    Returns "" when the result cannot be a claim code (wrong length or alphabet).
    """
    cleaned = "".join((code or "").split()).replace("-", "").upper().translate(_CLAIM_CODE_LOOKALIKES)
    if len(cleaned) != CLAIM_CODE_LENGTH or any(char not in CLAIM_CODE_ALPHABET for char in cleaned):
        return ""
    return cleaned


def order_claim_by_code(*, customer: Customer, code: str) -> tuple[Order, bool]:
    """Link the unclaimed order behind a receipt code to ``customer``.

    Returns ``(order, newly_linked)``; ``newly_linked`` is False when the order
    already belongs to this customer (claiming twice is harmless). Raises
    ClaimRefused for unknown codes and for orders linked to anyone else. The row
    is locked and the owner re-read inside the transaction, so two accounts
    racing for one code cannot both win. Callers must rate-limit.
    """
    normalized = claim_code_normalize(code=code)
    if not normalized:
        raise ClaimRefused(_(CLAIM_REFUSED_MESSAGE))
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(claim_code=normalized).first()
        if order is None or (order.customer_id is not None and order.customer_id != customer.pk):
            raise ClaimRefused(_(CLAIM_REFUSED_MESSAGE))
        if order.customer_id == customer.pk:
            return order, False
        order.customer = customer
        order.save(update_fields=["customer"])
        customer_restaurants_changed(customer_id=customer.pk, restaurant_id=order.restaurant_id)
    return order, True


def order_claim_session_orders(*, customer: Customer, order_ids: list[int]) -> list[Order]:
    """Link the still-unclaimed orders among ``order_ids`` (this browser's guest orders).

    Orders linked to anyone in the meantime (e.g. claimed by code) are skipped.
    Rows are locked so a concurrent code claim cannot be overwritten. Returns the
    orders that were linked now.
    """
    ids = [int(pk) for pk in order_ids]
    if not ids:
        return []
    with transaction.atomic():
        orders = list(Order.objects.select_for_update().filter(pk__in=ids, customer__isnull=True).order_by("pk"))
        Order.objects.filter(pk__in=[order.pk for order in orders]).update(customer=customer)
        if orders:
            customer_restaurants_changed(customer_id=customer.pk)
    for order in orders:
        order.customer = customer
    return orders
