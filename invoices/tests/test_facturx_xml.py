"""The EN 16931 CII XML of every kind of document, checked by the Factur-X XSD and the EN 16931 schematron."""

from decimal import Decimal

import pytest
from django.db import transaction
from lxml import etree

from customers.tests.factories import CustomerFactory
from invoices.facturx import invoice_facturx_xml, invoice_has_xml
from invoices.facturx.builder import RAM
from invoices.facturx.validation import facturx_validate
from invoices.models import Invoice, InvoiceLine
from invoices.services import invoice_cancel, invoice_issue, numbering
from invoices.services.payment_documents import payment_invoice_issue, receipt_issue
from invoices.tests.factories import paid_order
from orders.services_payment import payment_record
from orders.tests.factories import RestaurantFactory, TableFactory, order_with_lines

pytestmark = pytest.mark.django_db

NS = {"ram": RAM, "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"}

BUYER = {
    "buyer_name": "Erika Mustermann",
    "buyer_business_name": "Muster AG",
    "buyer_street": "Hauptstraße 1",
    "buyer_postal_code": "80331",
    "buyer_city": "München",
    "buyer_country": "DE",
    "buyer_vat_id": "DE136695976",
}


def parsed(xml: bytes):
    return etree.fromstring(xml)


def text(root, path: str) -> str:
    return root.findtext(path, namespaces=NS)


def texts(root, path: str) -> list[str]:
    return [element.text for element in root.findall(path, namespaces=NS)]


def assert_valid(invoice) -> etree._Element:
    xml = invoice_facturx_xml(invoice)
    errors = facturx_validate(xml)
    assert errors == [], "\n".join(errors)
    assert invoice_facturx_xml(invoice) == xml  # deterministic
    return parsed(xml)


def correction_of(original: Invoice, picks: dict[int, int], reason: str = "Dessert was not served") -> Invoice:
    """A partial correction built from the model fields: negated chosen quantities of chosen lines."""
    with transaction.atomic():
        _, issue_date, sequence, number = numbering.invoice_number_and_date_allocate(restaurant=original.restaurant)
        originals = {line.position: line for line in original.lines.all()}
        lines = []
        for new_position, (position, quantity) in enumerate(sorted(picks.items()), start=1):
            line = originals[position]
            gross = line.unit_price_gross_cents * quantity
            vat = line.vat_cents * quantity // line.quantity
            lines.append(
                InvoiceLine(
                    position=new_position,
                    corrects_line=line,
                    description=line.description,
                    quantity=-quantity,
                    unit_price_gross_cents=line.unit_price_gross_cents,
                    vat_rate=line.vat_rate,
                    gross_cents=-gross,
                    vat_cents=-vat,
                )
            )
        frozen = {
            f.name: getattr(original, f.name)
            for f in Invoice._meta.fields
            if f.name.startswith(("seller_", "place_", "buyer_"))
        }
        gross = sum(line.gross_cents for line in lines)
        tax = sum(line.vat_cents for line in lines)
        document = Invoice.objects.create(
            kind=Invoice.Kind.CORRECTION,
            corrects=original,
            correction_reason=reason,
            company_id=original.company_id,
            restaurant_id=original.restaurant_id,
            customer_id=original.customer_id,
            order_id=original.order_id,
            payment_id=original.payment_id,
            payment_method=original.payment_method,
            year=issue_date.year,
            sequence=sequence,
            number=number,
            issue_date=issue_date,
            supply_date=original.supply_date,
            currency=original.currency,
            subtotal_cents=gross - tax,
            tax_cents=tax,
            total_cents=gross,
            **frozen,
        )
        for line in lines:
            line.invoice = document
        InvoiceLine.objects.bulk_create(lines)
    return document


@pytest.fixture
def b2b_customer():
    return CustomerFactory(full_name="Erika Mustermann", business_name="Muster AG", vat_id="DE136695976")


@pytest.fixture
def invoice(customer):
    order = paid_order(customer=customer, lines=((2, 1250, "7.00"), (1, 490, "19.00"), (3, 399, "19.00")))
    return invoice_issue(order=order, customer=customer)


@pytest.fixture
def table(restaurant_a):
    return TableFactory(restaurant=restaurant_a)


def test_invoice_xml_is_valid_en16931_with_the_stored_figures(invoice):
    root = assert_valid(invoice)
    assert text(root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017"
    )
    assert text(root, "rsm:ExchangedDocument/ram:ID") == invoice.number
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(root, ".//ram:ActualDeliverySupplyChainEvent//{*}DateTimeString") == f"{invoice.supply_date:%Y%m%d}"
    summation = ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert text(root, summation + "TaxBasisTotalAmount") == f"{invoice.subtotal_cents / 100:.2f}"
    assert text(root, summation + "TaxTotalAmount") == f"{invoice.tax_cents / 100:.2f}"
    assert text(root, summation + "GrandTotalAmount") == "41.87"
    assert text(root, summation + "TotalPrepaidAmount") == "41.87"
    assert text(root, summation + "DuePayableAmount") == "0.00"
    rows = invoice.vat_rows()
    header_tax = root.findall(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    assert [
        (
            text(t, "ram:RateApplicablePercent"),
            text(t, "ram:BasisAmount"),
            text(t, "ram:CalculatedAmount"),
            text(t, "ram:CategoryCode"),
        )
        for t in header_tax
    ] == [(f"{row['rate']:.2f}", f"{row['net_cents'] / 100:.2f}", f"{row['vat_cents'] / 100:.2f}", "S") for row in rows]
    # BT-146 net unit price to 4 decimals: 12.50 gross at 7 % -> 11.6822
    assert texts(root, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount")[0] == "11.6822"
    assert text(root, ".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == invoice.seller_vat_id
    assert root.find(".//ram:InvoiceReferencedDocument", NS) is None


def test_seller_with_only_a_tax_number_is_named_with_scheme_fc(customer):
    restaurant = RestaurantFactory(company__vat_id="", company__tax_number="27/123/45678")
    order = paid_order(customer=customer, restaurant=restaurant)
    root = assert_valid(invoice_issue(order=order, customer=customer))
    registration = root.find(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", NS)
    assert registration.text == "27/123/45678" and registration.get("schemeID") == "FC"
    assert text(root, ".//ram:SellerTradeParty/ram:ID") == "27/123/45678"  # BR-CO-26: no VAT ID, no register


def test_seller_register_number_is_the_legal_registration(customer):
    restaurant = RestaurantFactory(
        company__vat_id="", company__tax_number="27/123/45678", company__register_number="HRB 12345"
    )
    order = paid_order(customer=customer, restaurant=restaurant)
    root = assert_valid(invoice_issue(order=order, customer=customer))
    assert text(root, ".//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == "HRB 12345"
    assert root.find(".//ram:SellerTradeParty/ram:ID", NS) is None


def test_cancellation_is_a_credit_note_with_positive_amounts_and_the_original_reference(invoice):
    cancellation = invoice_cancel(invoice=invoice, reason="Wrong billing address")
    root = assert_valid(cancellation)
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(root, ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == invoice.number
    assert text(root, ".//ram:InvoiceReferencedDocument//{*}DateTimeString") == f"{invoice.issue_date:%Y%m%d}"
    assert text(root, ".//ram:GrandTotalAmount") == "41.87"
    assert all(
        not value.startswith("-")
        for value in texts(root, ".//ram:ChargeAmount") + texts(root, ".//ram:LineTotalAmount")
    )
    assert texts(root, ".//ram:BilledQuantity") == ["2", "1", "3"]


def test_partial_correction_is_a_credit_note_for_the_corrected_lines_only(invoice):
    correction = correction_of(invoice, {1: 1, 3: 2})
    assert correction.total_cents == -(1250 + 2 * 399)
    root = assert_valid(correction)
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(root, ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == invoice.number
    assert texts(root, ".//ram:BilledQuantity") == ["1", "2"]
    assert text(root, ".//ram:GrandTotalAmount") == "20.48"
    assert "Dessert was not served" in texts(root, ".//ram:IncludedNote/ram:Content")


def test_reissue_after_cancellation_is_an_invoice_naming_the_one_it_replaces(invoice, customer):
    invoice_cancel(invoice=invoice, reason="Wrong billing address")
    reissue = invoice_issue(order=invoice.order, customer=customer)
    assert reissue.pk != invoice.pk
    assert reissue.replaces_id == invoice.pk  # recorded at issue (invoice_cancelled_unreplaced)
    root = assert_valid(reissue)
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(root, ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == invoice.number


def test_b2b_invoice_carries_the_buyer_vat_id_and_business_name(b2b_customer):
    order = paid_order(customer=b2b_customer)
    root = assert_valid(invoice_issue(order=order, customer=b2b_customer))
    buyer = root.find(".//ram:BuyerTradeParty", NS)
    assert text(buyer, "ram:Name") == "Muster AG"
    assert text(buyer, "ram:DefinedTradeContact/ram:PersonName") == "Erika Mustermann"
    assert text(buyer, "ram:SpecifiedTaxRegistration/ram:ID") == "DE136695976"


def test_consumer_invoice_has_no_buyer_vat_id(invoice):
    root = assert_valid(invoice)
    buyer = root.find(".//ram:BuyerTradeParty", NS)
    assert text(buyer, "ram:Name") == invoice.buyer_name
    assert buyer.find("ram:SpecifiedTaxRegistration", NS) is None
    assert text(buyer, "ram:PostalTradeAddress/ram:CityName") == invoice.buyer_city


def test_forty_lines_with_mixed_rates_are_valid(customer):
    lines = tuple((1 + n % 4, 199 + 37 * n, "7.00" if n % 3 else "19.00") for n in range(40))
    order = paid_order(customer=customer, lines=lines)
    root = assert_valid(invoice_issue(order=order, customer=customer))
    assert len(root.findall(".//ram:IncludedSupplyChainTradeLineItem", NS)) == 40
    assert texts(root, ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent") == [
        "19.00",
        "7.00",
    ]


def test_zero_rate_line_is_category_z(customer):
    order = paid_order(customer=customer, lines=((2, 1250, "7.00"), (1, 300, "0.00")))
    root = assert_valid(invoice_issue(order=order, customer=customer))
    categories = {
        text(t, "ram:RateApplicablePercent"): text(t, "ram:CategoryCode")
        for t in root.findall(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    }
    assert categories == {"7.00": "S", "0.00": "Z"}


@pytest.mark.parametrize(("method", "code"), [("cash", "10"), ("card", "48"), ("other", "1")])
def test_payment_with_tip_leaves_the_tip_out_and_names_the_payment_means(table, method, code):
    order = order_with_lines(restaurant=table.restaurant, table=table, lines=((2, 1250, "7.00"), (1, 490, "19.00")))
    payment = payment_record(order_ids=[order.pk], method=method, tip_cents=510, tip_confirmed=True)
    invoice, _ = payment_invoice_issue(payment=payment, buyer=BUYER)
    assert invoice.tip_cents == 510 and invoice.paid_cents == 3500
    root = assert_valid(invoice)
    assert text(root, ".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == code
    assert text(root, ".//ram:GrandTotalAmount") == "29.90"
    assert text(root, ".//ram:TotalPrepaidAmount") == "29.90"
    assert text(root, ".//ram:DuePayableAmount") == "0.00"
    assert b"35.00" not in invoice_facturx_xml(invoice) and b"5.10" not in invoice_facturx_xml(invoice)


def test_receipt_and_its_cancellation_have_no_xml(table, customer):
    order = order_with_lines(restaurant=table.restaurant, table=table, lines=((2, 1250, "7.00"),))
    payment = payment_record(order_ids=[order.pk], method="cash")
    receipt = receipt_issue(payment=payment)
    assert not invoice_has_xml(receipt)
    invoice, cancellation = payment_invoice_issue(payment=payment, buyer=BUYER, customer=customer)
    assert not invoice_has_xml(cancellation)
    assert invoice_has_xml(invoice)
    with pytest.raises(ValueError, match="no EN 16931 XML"):
        invoice_facturx_xml(receipt)
    # The cancellation of a receipt names the receipt's method; the full invoice too.
    assert text(assert_valid(invoice), ".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "10"


def test_a_total_off_by_more_than_one_unit_fails_the_validator(invoice):
    assert facturx_validate(invoice_facturx_xml(invoice)) == []
    invoice.tax_cents += 150  # not saved: the XML is built from this broken copy
    invoice.total_cents += 150
    errors = facturx_validate(invoice_facturx_xml(invoice))
    # BT-110 (VAT total) no longer equals the sum of the per-rate VAT (BT-117).
    assert any("[BR-CO-14]" in error for error in errors), errors


def test_a_negative_price_fails_the_validator(invoice):
    xml = invoice_facturx_xml(invoice).replace(b"<ram:ChargeAmount>11.6822", b"<ram:ChargeAmount>-11.6822")
    assert any("BR-27" in error for error in facturx_validate(xml))


def test_xml_that_breaks_the_schema_fails_before_the_schematron(invoice):
    xml = invoice_facturx_xml(invoice).replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")
    errors = facturx_validate(xml)
    assert errors and errors[0].startswith("XSD")


def test_rates_are_summed_as_stored(invoice):
    root = parsed(invoice_facturx_xml(invoice))
    vat = sum(
        Decimal(v)
        for v in texts(root, ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount")
    )
    assert vat * 100 == invoice.tax_cents
