"""Corrections as a service: cancellation, partial correction, re-issue; arithmetic, refusals, numbering."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from audit.models import AuditEntry
from invoices.models import Invoice
from invoices.services import (
    CorrectionRefused,
    invoice_balances,
    invoice_cancel,
    invoice_correct,
    invoice_corrective_documents,
    invoice_issue,
    invoice_reissue,
)
from invoices.services.corrections import REASON_MAX_LENGTH, unit_share
from invoices.services.payment_documents import receipt_issue
from invoices.tests.factories import paid_order
from orders.services_payment import payment_record
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db

REASON = "Guest was charged for a dish that never came"


def issue(customer, lines, restaurant=None):
    order = paid_order(customer=customer, lines=lines, restaurant=restaurant)
    return invoice_issue(order=order, customer=customer)


def per_rate(*documents) -> dict[Decimal, tuple[int, int]]:
    """(gross, VAT) per rate summed over the documents' stored lines."""
    sums: dict[Decimal, list[int]] = defaultdict(lambda: [0, 0])
    for document in documents:
        for line in document.lines.all():
            row = sums[Decimal(line.vat_rate).normalize()]
            row[0] += line.gross_cents
            row[1] += line.vat_cents
    return {rate: (gross, vat) for rate, (gross, vat) in sums.items()}


def line_by_position(invoice, position):
    return invoice.lines.get(position=position)


def test_unit_share_splits_exactly_with_extra_cents_to_the_first_units():
    assert [unit_share(total=479, units=3, count=k) for k in range(4)] == [0, 160, 320, 479]
    assert unit_share(total=-7, units=3, count=3) == -7
    assert unit_share(total=5, units=0, count=0) == 0


def test_correcting_one_of_three_equal_lines_takes_exactly_that_lines_vat(customer):
    # Three 0.10 lines at 19 %: 5 cents VAT, split 2/2/1 by largest remainder.
    invoice = issue(customer, ((1, 10, "19.00"), (1, 10, "19.00"), (1, 10, "19.00")))
    assert [line.vat_cents for line in invoice.lines.all()] == [2, 2, 1]
    third = line_by_position(invoice, 3)
    correction = invoice_correct(invoice=invoice, quantities={third.pk: 1}, reason=REASON)
    [line] = correction.lines.all()
    assert (line.quantity, line.gross_cents, line.vat_cents, line.corrects_line_id) == (-1, -10, -1, third.pk)
    assert per_rate(invoice, correction) == {Decimal(19): (20, 4)}  # what the two remaining lines carry


def test_partial_quantity_takes_its_units_share_and_a_later_cancellation_only_the_rest(customer):
    # 3 x 10.00 at 19 %: VAT 479, units 160/160/159; credit 1 unit, then cancel the rest.
    invoice = issue(customer, ((3, 1000, "19.00"), (2, 1250, "7.00")))
    first = line_by_position(invoice, 1)
    correction = invoice_correct(invoice=invoice, quantities={first.pk: 1}, reason=REASON)
    assert (correction.kind, correction.corrects_id, correction.correction_reason) == ("correction", invoice.pk, REASON)
    [line] = correction.lines.all()
    assert (line.quantity, line.gross_cents, line.vat_cents) == (-1, -1000, -159)
    assert correction.total_cents == -1000 and correction.tax_cents == -159
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED  # a partial correction leaves it in force
    assert correction.title == "Invoice correction"

    cancellation = invoice_cancel(invoice=invoice, reason="Customer left without eating")
    assert cancellation.title == "Cancellation invoice" and cancellation.cancels_id == invoice.pk
    assert [(line.quantity, line.gross_cents) for line in cancellation.lines.all()] == [(-2, -2000), (-2, -2500)]
    assert per_rate(invoice, correction, cancellation) == {Decimal(19): (0, 0), Decimal(7): (0, 0)}
    assert invoice.total_cents + correction.total_cents + cancellation.total_cents == 0
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    assert list(invoice_corrective_documents(invoice=invoice)) == [correction, cancellation]


def test_over_crediting_is_refused_per_line_and_after_cancellation(customer):
    invoice = issue(customer, ((2, 1250, "7.00"), (1, 490, "19.00")))
    first = line_by_position(invoice, 1)
    invoice_correct(invoice=invoice, quantities={first.pk: 1}, reason=REASON)
    with pytest.raises(CorrectionRefused, match="only 1 remain charged, so 2 cannot be reversed"):
        invoice_correct(invoice=invoice, quantities={first.pk: 2}, reason=REASON)
    with pytest.raises(CorrectionRefused, match="choose the full cancellation"):
        invoice_correct(invoice=invoice, quantities={first.pk: 1, line_by_position(invoice, 2).pk: 1}, reason=REASON)
    with pytest.raises(CorrectionRefused, match="at least one line"):
        invoice_correct(invoice=invoice, quantities={first.pk: 0}, reason=REASON)
    with pytest.raises(CorrectionRefused, match="whole numbers"):
        invoice_correct(invoice=invoice, quantities={first.pk: -1}, reason=REASON)
    invoice_cancel(invoice=invoice, reason=REASON)
    with pytest.raises(CorrectionRefused, match="already cancelled"):
        invoice_correct(invoice=invoice, quantities={first.pk: 1}, reason=REASON)
    with pytest.raises(CorrectionRefused, match="already cancelled"):
        invoice_cancel(invoice=invoice, reason=REASON)
    assert Invoice.objects.filter(corrects=invoice).count() == 1


def test_a_line_of_another_document_and_a_correction_itself_cannot_be_corrected(customer):
    invoice = issue(customer, ((2, 1250, "7.00"), (1, 490, "19.00")))
    other = issue(customer, ((1, 500, "19.00"),))
    with pytest.raises(CorrectionRefused, match="does not belong"):
        invoice_correct(invoice=invoice, quantities={other.lines.get().pk: 1}, reason=REASON)
    correction = invoice_correct(invoice=invoice, quantities={line_by_position(invoice, 1).pk: 1}, reason=REASON)
    with pytest.raises(CorrectionRefused, match="itself a correction document"):
        invoice_cancel(invoice=correction, reason=REASON)


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give the reason"),
        ("   \n ", "Give the reason"),
        ("x" * (REASON_MAX_LENGTH + 1), "at most 500 characters"),
        ("Refund \u202egnorw", "text-direction"),
    ],
)
def test_a_reason_is_required_and_checked(customer, reason, message):
    invoice = issue(customer, ((2, 1250, "7.00"),))
    before = Invoice.objects.count()
    with pytest.raises(ValidationError, match=message):
        invoice_cancel(invoice=invoice, reason=reason)
    with pytest.raises(ValidationError, match=message):
        invoice_correct(invoice=invoice, quantities={invoice.lines.get().pk: 1}, reason=reason)
    assert Invoice.objects.count() == before


def test_numbers_are_gapless_in_the_companys_one_range(customer, restaurant_a):
    invoice = issue(customer, ((3, 1000, "19.00"),), restaurant=restaurant_a)
    correction = invoice_correct(invoice=invoice, quantities={invoice.lines.get().pk: 1}, reason=REASON)
    cancellation, replacement = invoice_reissue(invoice=invoice, customer=_changed(customer), reason=REASON)
    documents = [invoice, correction, cancellation, replacement]
    assert {d.company_id for d in documents} == {restaurant_a.company_id}
    assert [d.sequence for d in documents] == list(range(invoice.sequence, invoice.sequence + 4))
    assert len({d.number for d in documents}) == 4


def _changed(customer):
    customer.street = "New Street 5"
    customer.business_name = "ACME GmbH"
    customer.save()
    return customer


def test_reissue_cancels_and_replaces_with_the_current_billing_details_and_what_remained(customer):
    invoice = issue(customer, ((3, 1000, "19.00"), (2, 1250, "7.00")))
    invoice_correct(invoice=invoice, quantities={line_by_position(invoice, 1).pk: 1}, reason=REASON)
    cancellation, replacement = invoice_reissue(invoice=invoice, customer=_changed(customer), reason="New address")
    assert replacement.replaces_id == invoice.pk and replacement.kind == "invoice"
    assert (replacement.buyer_street, replacement.buyer_business_name) == ("New Street 5", "ACME GmbH")
    assert invoice.buyer_street != "New Street 5"
    assert [(line.quantity, line.gross_cents) for line in replacement.lines.all()] == [(2, 2000), (2, 2500)]
    # The replacement states exactly what the cancellation took back, per rate.
    assert {rate: (-g, -v) for rate, (g, v) in per_rate(cancellation).items()} == per_rate(replacement)
    assert replacement.total_cents == 4500 and Invoice.objects.live().get(order=invoice.order_id) == replacement
    assert AuditEntry.objects.filter(action="document_issued", data__replaces=invoice.number).count() == 1


def test_reissue_is_refused_when_billing_details_did_not_change(customer):
    invoice = issue(customer, ((2, 1250, "7.00"),))
    with pytest.raises(CorrectionRefused, match="same as on this invoice"):
        invoice_reissue(invoice=invoice, customer=customer, reason=REASON)
    assert not Invoice.objects.filter(cancels=invoice).exists()


def test_a_receipt_can_be_corrected_too(restaurant_a):
    table = TableFactory(restaurant=restaurant_a)
    order = order_with_lines(restaurant=restaurant_a, table=table, lines=((2, 450, "19.00"), (1, 300, "7.00")))
    payment = payment_record(order_ids=[order.pk], method="cash", tip_cents=0, tip_confirmed=True)
    receipt = receipt_issue(payment=payment)
    correction = invoice_correct(invoice=receipt, quantities={line_by_position(receipt, 1).pk: 1}, reason=REASON)
    assert correction.payment_id == payment.pk and correction.buyer_name == ""
    assert correction.total_cents == -450
    receipt.refresh_from_db()
    assert receipt.status == Invoice.Status.ISSUED


def test_correction_is_audited_with_who_and_what(customer, staff_a, restaurant_a):
    invoice = issue(customer, ((2, 1250, "7.00"),), restaurant=restaurant_a)
    correction = invoice_correct(invoice=invoice, quantities={invoice.lines.get().pk: 1}, reason=REASON, actor=staff_a)
    entry = AuditEntry.objects.get(object_id=str(correction.pk), action="document_issued")
    assert entry.actor == staff_a and entry.restaurant_id == restaurant_a.pk
    assert entry.data["corrects"] == invoice.number and entry.data["reason"] == REASON
    assert entry.data["lines"] == {"1": 1}


line_strategy = st.tuples(st.integers(1, 6), st.integers(1, 5000), st.sampled_from(["19.00", "7.00", "0.00", "5.50"]))


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(line_strategy, min_size=1, max_size=5),
    steps=st.lists(st.lists(st.integers(0, 6), min_size=5, max_size=5), max_size=6),
    cancel_at_end=st.booleans(),
)
def test_any_sequence_of_corrections_never_credits_more_than_charged_and_sums_per_rate_exactly(
    customer, django_capture_on_commit_callbacks, lines, steps, cancel_at_end
):
    with django_capture_on_commit_callbacks(execute=False):
        invoice = issue(customer, tuple(lines))
        originals = list(invoice.lines.all())
        documents = [invoice]
        for wanted in steps:
            balances = {b.line.pk: b for b in invoice_balances(invoice=invoice)}
            quantities = {
                line.pk: min(q, balances[line.pk].quantity) for line, q in zip(originals, wanted, strict=False)
            }
            try:
                documents.append(invoice_correct(invoice=invoice, quantities=quantities, reason=REASON))
            except CorrectionRefused:
                continue  # nothing chosen, or everything: the rules refuse both
        if cancel_at_end:
            documents.append(invoice_cancel(invoice=invoice, reason=REASON))

        remaining = {b.line.pk: b for b in invoice_balances(invoice=invoice)}
        expected: dict[Decimal, list[int]] = defaultdict(lambda: [0, 0])
        for line in originals:
            credited = sum(c.quantity for c in line.correction_lines.all())
            left = line.quantity + credited
            assert 0 <= left <= line.quantity  # never more than was charged, per line
            if cancel_at_end:
                assert left == 0
            # Each line's remaining units carry exactly their share of the stored split.
            gross = unit_share(total=line.gross_cents, units=line.quantity, count=left)
            vat = unit_share(total=line.vat_cents, units=line.quantity, count=left)
            assert (remaining[line.pk].gross_cents, remaining[line.pk].vat_cents) == (gross, vat)
            row = expected[Decimal(line.vat_rate).normalize()]
            row[0] += gross
            row[1] += vat
        # Per rate: original + all corrections == what remains charged, to the cent; never below zero.
        assert per_rate(*documents) == {rate: tuple(v) for rate, v in expected.items()}
        for gross, vat in per_rate(*documents).values():
            assert gross >= 0 and vat >= 0
        for document in documents:
            assert document.total_cents == document.subtotal_cents + document.tax_cents
            assert document.total_cents == sum(line.gross_cents for line in document.lines.all())


def pdf_text(document) -> str:
    import io

    from pypdf import PdfReader

    from invoices.pdf import invoice_render_pdf

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(invoice_render_pdf(document))).pages)


def test_the_pdfs_name_the_original_the_reason_and_what_a_reissue_replaces(customer):
    invoice = issue(customer, ((3, 1000, "19.00"), (2, 1250, "7.00")))
    correction = invoice_correct(invoice=invoice, quantities={line_by_position(invoice, 1).pk: 1}, reason=REASON)
    text = pdf_text(correction)
    assert "Invoice correction" in text and correction.number in text
    assert f"Corrects invoice {invoice.number} of {invoice.issue_date:%-d %B %Y}" in text
    assert REASON in text and "−€10.00" in text
    assert "Credit note" not in text and "credit note" not in text

    cancellation, replacement = invoice_reissue(invoice=invoice, customer=_changed(customer), reason="New address")
    text = pdf_text(cancellation)
    assert "Cancellation invoice" in text and f"Cancels invoice {invoice.number} of" in text and "New address" in text
    text = pdf_text(replacement)
    assert f"Replaces invoice {invoice.number} of" in text and "New Street 5" in text


def test_balances_take_two_queries(customer, django_assert_num_queries):
    invoice = issue(customer, ((3, 1000, "19.00"), (2, 1250, "7.00"), (1, 490, "19.00")))
    invoice_correct(invoice=invoice, quantities={line_by_position(invoice, 1).pk: 1}, reason=REASON)
    invoice_correct(invoice=invoice, quantities={line_by_position(invoice, 2).pk: 1}, reason=REASON)
    with django_assert_num_queries(2):
        balances = invoice_balances(invoice=invoice)
    assert [b.quantity for b in balances] == [2, 1, 1]


def test_an_invoice_issued_again_after_a_cancellation_records_what_it_replaces(customer):
    order = paid_order(customer=customer, lines=((2, 1250, "7.00"),))
    first = invoice_issue(order=order, customer=customer)
    invoice_cancel(invoice=first, reason="Wrong company name")
    second = invoice_issue(order=order, customer=customer)
    assert second.replaces_id == first.pk
    invoice_cancel(invoice=second, reason="Wrong company name again")
    third = invoice_issue(order=order, customer=customer)
    assert third.replaces_id == second.pk  # the latest cancelled one, not the first again


def test_a_payments_invoice_issued_again_after_its_cancellation_replaces_it(restaurant_a, staff_a):
    from invoices.services.payment_documents import payment_invoice_issue

    table = TableFactory(restaurant=restaurant_a)
    order = order_with_lines(restaurant=restaurant_a, table=table, lines=((2, 450, "19.00"),))
    payment = payment_record(order_ids=[order.pk], method="card", tip_cents=0, tip_confirmed=True)
    buyer = {
        "buyer_name": "Erika Mustermann",
        "buyer_street": "Hauptstraße 1",
        "buyer_postal_code": "80331",
        "buyer_city": "München",
        "buyer_country": "DE",
    }
    first, _ = payment_invoice_issue(payment=payment, buyer=buyer, issued_by=staff_a)
    assert first.replaces_id is None
    invoice_cancel(invoice=first, reason="Wrong buyer", actor=staff_a)
    second, _ = payment_invoice_issue(payment=payment, buyer={**buyer, "buyer_name": "Max Muster"}, issued_by=staff_a)
    assert second.replaces_id == first.pk and second.buyer_name == "Max Muster"


def test_reissue_of_a_payments_invoice_keeps_the_payment_tip_and_one_document_in_force(customer, restaurant_a):
    from invoices.services.issuing import _buyer_copy
    from invoices.services.payment_documents import payment_document_live, payment_invoice_issue

    table = TableFactory(restaurant=restaurant_a)
    order = order_with_lines(restaurant=restaurant_a, table=table, lines=((2, 450, "19.00"),), customer=customer)
    payment = payment_record(order_ids=[order.pk], method="card", tip_cents=120, tip_confirmed=True)
    invoice, _ = payment_invoice_issue(payment=payment, buyer=_buyer_copy(customer), customer=customer)
    cancellation, replacement = invoice_reissue(invoice=invoice, customer=_changed(customer), reason=REASON)
    assert (replacement.payment_id, replacement.tip_cents, replacement.paid_cents) == (payment.pk, 120, 1020)
    assert replacement.payment_method == "card" and cancellation.payment_id == payment.pk
    assert payment_document_live(payment=payment) == replacement


def test_the_services_documents_carry_valid_facturx_xml_with_the_original_reference(customer):
    from invoices.tests.test_facturx_xml import assert_valid, text, texts

    invoice = issue(customer, ((3, 1000, "19.00"), (2, 1250, "7.00"), (1, 490, "19.00")))
    correction = invoice_correct(invoice=invoice, quantities={line_by_position(invoice, 1).pk: 1}, reason=REASON)
    assert correction.xml_sha256  # recorded at issue, like every document with a buyer
    root = assert_valid(correction)
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(root, ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == invoice.number
    assert texts(root, ".//ram:BilledQuantity") == ["1"] and text(root, ".//ram:GrandTotalAmount") == "10.00"
    cancellation, replacement = invoice_reissue(invoice=invoice, customer=_changed(customer), reason="New address")
    assert text(assert_valid(cancellation), ".//ram:GrandTotalAmount") == "49.90"
    root = assert_valid(replacement)
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(root, ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == invoice.number
