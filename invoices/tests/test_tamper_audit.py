"""The audit log records order status, payment (method, tip) and document changes: who, where, what, old → new."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from audit.models import AuditEntry
from customers.tests.helpers import staff_force_login
from invoices.models import Invoice
from invoices.services import invoice_cancel, invoice_issue, invoice_set_status
from invoices.tests.factories import paid_order
from orders.models import Order
from orders.services import order_set_status
from orders.services_payment import payment_record
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db

AUDIT = "/admin/audit/auditentry/"


def new_entries(since: int, action=None):
    entries = AuditEntry.objects.filter(pk__gt=since).order_by("pk")
    return list(entries if action is None else entries.filter(action=action))


def last_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def invoice(customer, restaurant_a):
    return invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)


def test_an_order_status_change_writes_one_entry_with_old_and_new(restaurant_a, staff_a):
    order = order_with_lines(restaurant=restaurant_a)
    since = last_id()
    order_set_status(order=order, status=Order.Status.PREPARING, actor=staff_a)
    (entry,) = new_entries(since)
    assert entry.action == AuditEntry.Action.ORDER_STATUS
    assert (entry.actor, entry.restaurant_id) == (staff_a, restaurant_a.pk)
    assert (entry.object_type, entry.object_id) == ("orders.order", str(order.pk))
    assert entry.data == {"from": "placed", "to": "preparing"}


def test_a_refused_order_status_change_writes_nothing(restaurant_a):
    order = order_with_lines(restaurant=restaurant_a)
    order_set_status(order=order, status=Order.Status.CANCELLED)
    since = last_id()
    with pytest.raises(Exception):  # noqa: B017,PT011 - the refusal's type is the status machine's business
        order_set_status(order=order, status=Order.Status.SERVED)
    assert new_entries(since) == []


def test_an_order_moved_by_the_system_has_no_actor(restaurant_a):
    order = order_with_lines(restaurant=restaurant_a)
    since = last_id()
    order_set_status(order=order, status=Order.Status.SERVED)
    (entry,) = new_entries(since)
    assert entry.actor is None and entry.data == {"from": "placed", "to": "served"}


def test_a_payment_writes_one_payment_entry_with_method_and_tip_and_one_status_entry_per_order(restaurant_a, staff_a):
    table = TableFactory(restaurant=restaurant_a)
    orders = [order_with_lines(restaurant=restaurant_a, table=table) for _ in range(2)]
    since = last_id()
    payment = payment_record(
        order_ids=[o.pk for o in orders], method="cash", tip_cents=350, tip_confirmed=True, recorded_by=staff_a
    )
    (paid,) = new_entries(since, AuditEntry.Action.PAYMENT_RECORDED)
    assert (paid.actor, paid.restaurant_id, paid.object_id) == (staff_a, restaurant_a.pk, str(payment.pk))
    assert paid.data["method"] == "cash" and paid.data["tip_cents"] == 350
    assert paid.data["paid_cents"] == payment.meal_cents + 350 and paid.data["orders"] == sorted(o.pk for o in orders)
    moved = new_entries(since, AuditEntry.Action.ORDER_STATUS)
    assert sorted(int(e.object_id) for e in moved) == sorted(o.pk for o in orders)
    assert all(e.data == {"from": "placed", "to": "paid"} and e.actor == staff_a for e in moved)
    assert len(new_entries(since)) == 3


def test_issuing_an_invoice_writes_one_entry(customer, restaurant_a):
    order = paid_order(customer=customer, restaurant=restaurant_a)
    since = last_id()
    invoice = invoice_issue(order=order, customer=customer)
    (entry,) = new_entries(since)
    assert entry.action == AuditEntry.Action.DOCUMENT_ISSUED
    assert (entry.actor, entry.restaurant_id, entry.object_id) == (customer.user, restaurant_a.pk, str(invoice.pk))
    assert entry.data["number"] == invoice.number and entry.data["kind"] == "invoice"
    invoice_issue(order=order, customer=customer)  # asked again: the same invoice, no new entry
    assert len(new_entries(since)) == 1


@pytest.mark.parametrize("steps", [["sent"], ["paid"], ["sent", "paid"]])
def test_each_document_status_change_writes_one_entry(invoice, staff_a, steps):
    since = last_id()
    previous = "draft"
    for status in steps:
        invoice_set_status(invoice=invoice, status=status, actor=staff_a)
        entry = new_entries(since)[-1]
        assert entry.action == AuditEntry.Action.DOCUMENT_STATUS and entry.actor == staff_a
        assert entry.data == {"number": invoice.number, "kind": "invoice", "from": previous, "to": status}
        previous = status
    invoice_set_status(invoice=invoice, status=steps[-1], actor=staff_a)  # the same status again: no change
    assert len(new_entries(since)) == len(steps)


def test_a_cancellation_writes_its_issue_and_the_originals_status(invoice, staff_a, restaurant_a):
    since = last_id()
    cancellation = invoice_cancel(invoice=invoice, reason="Wrong table", actor=staff_a)
    (issued,) = new_entries(since, AuditEntry.Action.DOCUMENT_ISSUED)
    (status,) = new_entries(since, AuditEntry.Action.DOCUMENT_STATUS)
    assert len(new_entries(since)) == 2
    assert issued.object_id == str(cancellation.pk) and issued.data["number"] == cancellation.number
    assert issued.data["kind"] == "cancellation" and invoice.number in issued.data.values()
    assert status.object_id == str(invoice.pk)
    assert status.data == {
        "number": invoice.number,
        "kind": "invoice",
        "from": "draft",
        "to": "cancelled",
        "cancellation": cancellation.number,
    }
    assert {issued.actor, status.actor} == {staff_a} and {issued.restaurant_id, status.restaurant_id} == {
        restaurant_a.pk
    }


def test_admin_actions_record_the_staff_member(client, staff_a, invoice, restaurant_a):
    order = order_with_lines(restaurant=restaurant_a)
    staff_force_login(client, staff_a)
    since = last_id()
    client.post("/admin/invoices/invoice/", {"action": "mark_sent", ACTION_CHECKBOX_NAME: [invoice.pk]})
    client.post("/admin/orders/order/", {"action": "mark_served", ACTION_CHECKBOX_NAME: [order.pk]})
    document, moved = new_entries(since)
    assert document.action == AuditEntry.Action.DOCUMENT_STATUS and document.data["to"] == "sent"
    assert moved.action == AuditEntry.Action.ORDER_STATUS and moved.data == {"from": "placed", "to": "served"}
    assert document.actor == moved.actor == staff_a
    assert document.ip_address == moved.ip_address == "127.0.0.1"


def test_staff_read_their_restaurants_changes_and_not_the_others(
    client, staff_a, staff_b, restaurant_a, restaurant_b, invoice
):
    order_b = order_with_lines(restaurant=restaurant_b)
    invoice_set_status(invoice=invoice, status=Invoice.Status.SENT, actor=staff_a)
    order_set_status(order=order_b, status=Order.Status.SERVED, actor=staff_b)
    entry_a = AuditEntry.objects.get(action=AuditEntry.Action.DOCUMENT_STATUS)
    entry_b = AuditEntry.objects.get(action=AuditEntry.Action.ORDER_STATUS, object_id=str(order_b.pk))

    staff_force_login(client, staff_b)
    listed = client.get(AUDIT, {"action": "document_status"})
    assert listed.status_code == 200 and listed.context["cl"].result_count == 0
    shown = {e.pk for e in client.get(AUDIT).context["cl"].result_list}
    assert entry_b.pk in shown and entry_a.pk not in shown
    assert all(e.restaurant_id == restaurant_b.pk for e in client.get(AUDIT).context["cl"].result_list)
    assert client.get(f"{AUDIT}{entry_a.pk}/change/").status_code == 302  # admin: "doesn't exist" redirect

    staff_force_login(client, staff_a)
    page = client.get(AUDIT, {"action": "document_status"})
    assert page.context["cl"].result_count == 1
    assert "draft → sent" in page.content.decode()
    detail = client.get(f"{AUDIT}{entry_a.pk}/change/")
    assert detail.status_code == 200 and list(detail.context["adminform"].form.fields) == []  # read-only
    client.post(f"{AUDIT}{entry_a.pk}/change/", {"action": "login"})
    client.post(f"{AUDIT}{entry_a.pk}/delete/", {"post": "yes"})
    assert AuditEntry.objects.get(pk=entry_a.pk).action == AuditEntry.Action.DOCUMENT_STATUS
