"""Recording a payment: staff take money for one or more orders of one table, with a tip.

Guarantees:
- An order is in at most one payment: the orders are locked (in id order, so
  two requests never wait on each other crosswise), re-read, and each is moved
  to "paid" by ``order_set_status``, which refuses an order that is already
  paid or cancelled; a failure rolls the whole payment back.
- The amount paid is the orders' total (the VAT base) plus the tip, which is
  never part of the VAT base (a database constraint backs this up).
- The configured TSE signer (``orders.tse``) signs the payment inside the same
  transaction; if it fails, nothing is recorded.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from common.money import format_money, format_rate
from orders.models import Order, Payment
from orders.services import order_set_status
from orders.tse import TseRequest, tse_signer

# Far above any real tip, and far below what the amount columns can hold.
MAX_TIP_CENTS = 10_000_000


class PaymentRefused(ValidationError):
    """The payment cannot be recorded as asked; the message says why and nothing changed."""


def payment_tip_parse(*, value: Any) -> int:
    """The tip in cents from a typed cents value; refuses negatives and non-integers."""
    try:
        tip = int(value)
    except (TypeError, ValueError):
        raise PaymentRefused(_("The tip must be a whole number of cents.")) from None
    if tip < 0:
        raise PaymentRefused(_("A tip cannot be negative."))
    if tip > MAX_TIP_CENTS:
        raise PaymentRefused(_("This tip is too large to be right; please check the amount."))
    return tip


def payment_record(
    *,
    order_ids: Iterable[int],
    method: str,
    tip_cents: int = 0,
    tip_confirmed: bool = False,
    recorded_by: Any = None,
    request: Any = None,
) -> Payment:
    """Record one payment for ``order_ids`` (all of one table) and mark them paid.

    Raises PaymentRefused (nothing changed) for: no orders, orders of several
    tables, an order already paid, cancelled or in another payment, an unknown
    method, a negative tip, or a tip above the bill unless ``tip_confirmed``.
    The caller scopes ``order_ids`` to what the user may see.
    """
    ids = sorted({int(pk) for pk in order_ids})
    if not ids:
        raise PaymentRefused(_("Choose at least one order to pay."))
    if method not in Payment.Method.values:
        raise PaymentRefused(_("Choose a payment method: cash, card or other."))
    tip_cents = payment_tip_parse(value=tip_cents)
    started_at = timezone.now()
    with transaction.atomic():
        orders = list(
            Order.objects.select_for_update(of=("self",))
            .select_related("restaurant", "table")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        if len(orders) != len(ids):
            raise PaymentRefused(_("Some of these orders no longer exist."))
        if len({order.table_id for order in orders}) != 1:
            raise PaymentRefused(_("One payment covers orders of one table only."))
        in_payment = [order for order in orders if order.payment_id is not None]
        if in_payment:
            raise PaymentRefused(
                _("Order #%(id)s is already settled by payment #%(payment)s.")
                % {"id": in_payment[0].pk, "payment": in_payment[0].payment_id}
            )
        first = orders[0]
        meal = sum(order.total_cents for order in orders)
        if tip_cents > meal and not tip_confirmed:
            raise PaymentRefused(
                _(
                    "The tip (%(tip)s) is more than the bill (%(bill)s). If that is right, tick "
                    "“Confirm the tip” and record the payment again."
                )
                % {"tip": format_money(tip_cents, first.currency), "bill": format_money(meal, first.currency)}
            )
        payment = Payment.objects.create(
            restaurant=first.restaurant,
            table=first.table,
            method=method,
            currency=first.currency,
            meal_cents=meal,
            tip_cents=tip_cents,
            paid_cents=meal + tip_cents,
            recorded_by=recorded_by,
        )
        for order in orders:
            try:
                order_set_status(order=order, status=Order.Status.PAID, actor=recorded_by, request=request)
            except ValidationError as exc:
                raise PaymentRefused(exc.messages) from None
        Order.objects.filter(pk__in=ids).update(payment=payment)
        _sign(payment=payment, orders=orders, started_at=started_at)
        audit_record(
            action=AuditEntry.Action.PAYMENT_RECORDED,
            request=request,
            actor=recorded_by,
            restaurant_id=payment.restaurant_id,
            obj=payment,
            data={
                "orders": ids,
                "table": first.table_id,
                "method": method,
                "currency": payment.currency,
                "meal_cents": meal,
                "tip_cents": tip_cents,
                "paid_cents": payment.paid_cents,
            },
        )
    return payment


def _sign(*, payment: Payment, orders: list[Order], started_at: Any) -> None:
    gross_by_rate: dict[str, int] = {}
    for order in orders:
        for line in order.lines.all():
            rate = format_rate(line.vat_rate)
            gross_by_rate[rate] = gross_by_rate.get(rate, 0) + line.total_cents
    signed = tse_signer().sign(
        TseRequest(
            payment_id=payment.pk,
            restaurant_id=payment.restaurant_id,
            method=payment.method,
            currency=payment.currency,
            gross_by_rate=gross_by_rate,
            tip_cents=payment.tip_cents,
            paid_cents=payment.paid_cents,
            started_at=started_at,
        )
    )
    payment.tse_signer = signed.signer
    payment.tse_certified = signed.certified
    payment.tse_transaction_number = signed.transaction_number
    payment.tse_serial = signed.serial
    payment.tse_signature_counter = signed.signature_counter
    payment.tse_start_at = signed.start_at
    payment.tse_end_at = signed.end_at
    payment.tse_signature = signed.signature
    payment.tse_qr_data = signed.qr_data
    payment.save(
        update_fields=[
            "tse_signer",
            "tse_certified",
            "tse_transaction_number",
            "tse_serial",
            "tse_signature_counter",
            "tse_start_at",
            "tse_end_at",
            "tse_signature",
            "tse_qr_data",
        ]
    )
