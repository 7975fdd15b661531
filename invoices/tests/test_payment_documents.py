"""Documents for a payment: receipt, full invoice with tip, upgrade, business meal; read back from the PDF."""

import io

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pypdf import PdfReader

from invoices.models import BusinessMealDeclaration, Invoice
from invoices.pdf import invoice_render_pdf
from invoices.services import invoice_issue
from invoices.services.issuing import invoice_lines_compute
from invoices.services.payment_documents import (
    PaymentDocumentRefused,
    business_meal_declare,
    business_meal_latest,
    payment_invoice_issue,
    receipt_issue,
)
from orders.models import OrderLine
from orders.services_payment import payment_record
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db

BUYER = {
    "buyer_name": "Erika Mustermann",
    "buyer_business_name": "Muster AG",
    "buyer_street": "Hauptstraße 1",
    "buyer_postal_code": "80331",
    "buyer_city": "München",
    "buyer_country": "DE",
    "buyer_vat_id": "DE136695976",
}


def pdf_text(invoice) -> str:
    reader = PdfReader(io.BytesIO(invoice_render_pdf(invoice)))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def table(restaurant_a):
    return TableFactory(restaurant=restaurant_a)


def paid(table, *line_sets, tip=0, method="card"):
    orders = [order_with_lines(restaurant=table.restaurant, table=table, lines=lines) for lines in line_sets]
    return payment_record(order_ids=[o.pk for o in orders], method=method, tip_cents=tip, tip_confirmed=True)


def test_guest_receipt_lists_every_line_of_the_payment_with_tip_and_tse(table):
    payment = paid(table, ((2, 1250, "7.00"),), ((1, 490, "19.00"), (1, 1010, "7.00")), tip=250)
    receipt = receipt_issue(payment=payment)
    assert receipt.kind == Invoice.Kind.RECEIPT and receipt.customer is None and receipt.buyer_name == ""
    assert receipt.total_cents == 4000 and receipt.tip_cents == 250 and receipt.paid_cents == 4250
    assert receipt.lines.count() == 3
    assert receipt_issue(payment=payment) == receipt  # asked again: the same document
    text = pdf_text(receipt)
    assert "Receipt" in text and "SIMPLIFIED INVOICE" in text and receipt.number in text
    assert "Bill to" not in text
    assert "Tip (no VAT, not part of the invoice amount)" in text and "€2.50" in text
    assert "Total paid (Card)" in text and "€42.50" in text
    assert "7 %" in text and "19 %" in text
    assert "FAKE-TSE-NOT-CERTIFIED" in text and "NOT CERTIFIED" in text
    assert "Signature counter" in text


def test_receipt_above_250_is_refused_until_a_buyer_is_given(table):
    payment = paid(table, ((10, 3200, "7.00"),))  # 320.00
    with pytest.raises(PaymentDocumentRefused, match="buyer's name and address"):
        receipt_issue(payment=payment)
    invoice, cancellation = payment_invoice_issue(payment=payment, buyer=BUYER)
    assert invoice.kind == Invoice.Kind.INVOICE and cancellation is None and invoice.buyer_name == "Erika Mustermann"


def test_full_invoice_for_a_payment_with_a_receipt_cancels_the_receipt_first(table, customer):
    payment = paid(table, ((2, 1250, "7.00"),))
    order = payment.orders.get()
    order.customer = customer
    order.save(update_fields=["customer"])
    receipt = receipt_issue(payment=payment)
    invoice = invoice_issue(order=order, customer=customer)
    receipt.refresh_from_db()
    assert receipt.status == Invoice.Status.CANCELLED
    cancellation = receipt.cancellation
    assert cancellation.total_cents == -receipt.total_cents and cancellation.customer == customer
    assert [receipt.sequence, cancellation.sequence, invoice.sequence] == [1, 2, 3]
    assert set(Invoice.objects.filter(customer=customer)) == {cancellation, invoice}
    # Asked again: never a second invoice.
    assert invoice_issue(order=order, customer=customer) == invoice
    assert Invoice.objects.filter(payment=payment, kind="invoice").count() == 1
    with pytest.raises(PaymentDocumentRefused, match="already been issued"):
        receipt_issue(payment=payment)


def test_staff_get_the_live_invoice_back_instead_of_a_duplicate(table, staff_a):
    payment = paid(table, ((2, 1250, "7.00"),))
    invoice, _ = payment_invoice_issue(payment=payment, buyer=BUYER, issued_by=staff_a)
    again, cancellation = payment_invoice_issue(payment=payment, buyer=BUYER, issued_by=staff_a)
    assert again == invoice and cancellation is None
    with pytest.raises(PaymentDocumentRefused, match="already been issued"):
        payment_invoice_issue(payment=payment, buyer=BUYER)  # a guest asking: refused


def test_invoice_with_tip_prints_tip_below_the_total_and_the_filled_business_meal(table):
    payment = paid(table, ((10, 3200, "7.00"),), tip=1500)
    invoice, _ = payment_invoice_issue(payment=payment, buyer=BUYER)
    with pytest.raises(PaymentDocumentRefused, match="host's name is required"):
        business_meal_declare(invoice=invoice, host="", occasion="Project kick-off", participants="A, B")
    business_meal_declare(invoice=invoice, host="Erika Mustermann", occasion="Kick-off", participants="A")
    business_meal_declare(
        invoice=invoice, host="Erika Mustermann", occasion="Project kick-off", participants="Max Muster, Jane Doe"
    )
    assert BusinessMealDeclaration.objects.filter(invoice=invoice).count() == 2
    assert business_meal_latest(invoice=invoice).occasion == "Project kick-off"
    text = pdf_text(invoice)
    assert text.index("Total (EUR)") < text.index("Tip (no VAT") < text.index("Total paid")
    assert "€320.00" in text and "€15.00" in text and "€335.00" in text
    assert "BEWIRTUNGSBELEG" in text and "Project kick-off" in text and "Max Muster, Jane Doe" in text
    assert "Place, date, signature" in text and "Host (required)" in text
    assert "Kick-off\n" not in text


def test_blank_business_meal_section_is_a_form_to_fill_by_hand(table):
    payment = paid(table, ((2, 1250, "7.00"),))
    receipt = receipt_issue(payment=payment)
    text = pdf_text(receipt)
    assert "BEWIRTUNGSBELEG" in text and "Host" in text and "Occasion" in text and "Participants" in text
    assert "Place, date, signature" in text and "Host (required)" not in text
    # The place of the meal is the restaurant (place of supply), not the company's seat.
    assert f"{table.restaurant.name}, {table.restaurant.street}" in text


def test_a_declaration_never_changes_the_invoice_nor_its_stored_copy(table, django_capture_on_commit_callbacks):
    payment = paid(table, ((2, 1250, "7.00"),))
    with django_capture_on_commit_callbacks(execute=True):
        receipt = receipt_issue(payment=payment)

    def frozen():
        return Invoice.objects.filter(pk=receipt.pk).values().get()

    before = frozen()
    assert before["pdf_sha256"]
    with django_capture_on_commit_callbacks(execute=True):
        business_meal_declare(invoice=receipt, host="H. Host", occasion="O", participants="P")
    assert frozen() == before  # the first stored copy and its hash are kept (write-once)
    stored = Invoice.objects.get(pk=receipt.pk)
    from invoices.services import invoice_pdf_bytes

    # The download is rendered from the frozen data with the latest declaration.

    assert "H. Host" in "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(invoice_pdf_bytes(invoice=stored))).pages
    )


def test_cancellation_documents_take_no_declaration(table):
    payment = paid(table, ((2, 1250, "7.00"),))
    receipt = receipt_issue(payment=payment)
    payment_invoice_issue(payment=payment, buyer=BUYER)
    receipt.refresh_from_db()
    with pytest.raises(PaymentDocumentRefused):
        business_meal_declare(invoice=receipt.cancellation, host="H", occasion="", participants="")


lines_strategy = st.lists(
    st.tuples(st.integers(1, 20), st.integers(1, 99999), st.sampled_from(["0.00", "7.00", "19.00", "5.50"])),
    min_size=1,
    max_size=12,
)


@hsettings(max_examples=200, deadline=None)
@given(lines=lines_strategy, tip=st.integers(0, 10**7))
def test_net_plus_vat_is_the_meal_and_meal_plus_tip_is_paid(lines, tip):
    from decimal import Decimal

    order_lines = [OrderLine(name="x", unit_price_cents=p, vat_rate=Decimal(r), quantity=q) for q, p, r in lines]
    computed = invoice_lines_compute(order_lines)
    meal = sum(q * p for q, p, _ in lines)
    gross = sum(line.gross_cents for line in computed)
    vat = sum(line.vat_cents for line in computed)
    net = sum(line.net_cents for line in computed)
    assert net + vat == gross == meal
    paid = meal + tip
    assert paid - tip == net + vat


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_one_payment_give_one_document(restaurant_a):
    import threading

    from django.db import connection

    table = TableFactory(restaurant=restaurant_a)
    payment = paid(table, ((2, 1250, "7.00"),))
    barrier = threading.Barrier(3)
    results: list = []

    def ask(kind):
        try:
            barrier.wait()
            if kind == "receipt":
                results.append(receipt_issue(payment=payment))
            else:
                results.append(payment_invoice_issue(payment=payment, buyer=BUYER)[0])
        except PaymentDocumentRefused as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(kind,)) for kind in ("receipt", "receipt", "invoice")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    live = Invoice.objects.filter(payment=payment).exclude(status="cancelled").exclude(kind="cancellation")
    assert live.count() == 1
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))  # gapless
    assert Invoice.objects.filter(kind="receipt").count() <= 1


def test_a_receipts_cancellation_prints_no_empty_buyer_block(table):
    payment = paid(table, ((2, 1250, "7.00"),))
    receipt = receipt_issue(payment=payment)
    payment_invoice_issue(payment=payment, buyer=BUYER)
    receipt.refresh_from_db()
    text = pdf_text(receipt.cancellation)
    assert receipt.number in text and "−€25.00" in text
    assert "BILL TO" not in text.upper()
