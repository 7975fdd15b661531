"""The EN 16931 CII XML (Factur-X profile EN 16931) of an issued document, from its frozen rows only.

Deterministic: the same invoice and lines give the same bytes (no clock, no
random ids, fixed element order), so ``Invoice.xml_sha256`` recorded at issue
can be recomputed at any time.

Decisions (see TAX-DOCS.md, "E-invoice"):

- BT-3 type code: 380 for an invoice, also for a re-issue after a
  cancellation, which names the invoice it ``replaces`` in BT-25/26; 381
  (credit note) for a full cancellation and for a partial correction, with
  the original's number and date in BT-25/26. 384 (corrected invoice) is not
  used: we never replace a document without cancelling it first, so every
  replacement is a 381 followed by a new 380.
- A credit note carries positive amounts: the stored lines of a cancellation
  or correction are negative, so quantities and amounts are negated here;
  unit prices are stored positive and stay so (BR-27: no negative price).
- VAT category S for a rate above 0, Z ("zero rated") for a 0 % line: a 0 %
  menu rate is a taxable supply at a zero rate, not an exemption, and E would
  need an exemption reason (BT-120) the product has no data for.
- BG-23 is the per-rate sum of the stored lines (``Invoice.vat_rows``), not
  recomputed; the Factur-X schematron accepts the cent that net x rate may
  differ from the stated VAT (BR-CO-17 tolerance).
- Paid amount (BT-113) = invoice total, amount due (BT-115) = 0: documents
  are issued for paid orders. The tip is not part of the supply and never
  appears in the XML (it is printed on the PDF only).
- Payment means (BG-16, UNTDID 4461): cash 10, card 48, anything else or not
  recorded 1 ("instrument not defined").
- Documents without a buyer name and address (receipts, a receipt's
  cancellation) get no XML: EN 16931 requires the buyer (BT-44, BG-8).
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from invoices.models import Invoice, InvoiceLine

GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
TYPE_INVOICE = "380"
TYPE_CREDIT_NOTE = "381"
UNIT_CODE = "C62"  # "one": a dish or a drink
PAYMENT_MEANS = {"cash": "10", "card": "48"}
PAYMENT_MEANS_OTHER = "1"  # UNTDID 4461 "Instrument not defined"

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}

BUYER_REQUIRED = ("buyer_name", "buyer_street", "buyer_postal_code", "buyer_city", "buyer_country")


def invoice_has_xml(invoice: Invoice) -> bool:
    """Whether the document gets an EN 16931 XML: not a receipt, and a buyer with name and address."""
    if invoice.kind == invoice.Kind.RECEIPT:
        return False
    return all(str(getattr(invoice, name)).strip() for name in BUYER_REQUIRED)


def invoice_type_code(invoice: Invoice) -> str:
    if invoice.kind in (invoice.Kind.CANCELLATION, invoice.Kind.CORRECTION):
        return TYPE_CREDIT_NOTE
    return TYPE_INVOICE


def invoice_preceding(invoice: Invoice) -> Invoice | None:
    """The document named in BT-25/26: the cancelled, corrected or replaced invoice."""
    if invoice.kind == invoice.Kind.CANCELLATION and invoice.cancels_id:
        return invoice.cancels
    if invoice.kind == invoice.Kind.CORRECTION and invoice.corrects_id:
        return invoice.corrects
    if invoice.replaces_id:
        return invoice.replaces
    return None


def invoice_facturx_xml(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> bytes:
    """The CII XML bytes (UTF-8) of ``invoice``; raises ValueError for a document without XML."""
    if not invoice_has_xml(invoice):
        raise ValueError(f"{invoice.number} has no buyer name and address, so it has no EN 16931 XML.")
    lines = list(invoice.lines.all()) if lines is None else lines
    sign = -1 if invoice_type_code(invoice) == TYPE_CREDIT_NOTE else 1
    currency = invoice.currency
    preceding = invoice_preceding(invoice)

    root = etree.Element(_q(RSM, "CrossIndustryInvoice"), nsmap=NSMAP)
    context = _sub(root, RSM, "ExchangedDocumentContext")
    _sub(_sub(context, RAM, "GuidelineSpecifiedDocumentContextParameter"), RAM, "ID", GUIDELINE_EN16931)

    document = _sub(root, RSM, "ExchangedDocument")
    _sub(document, RAM, "ID", invoice.number)
    _sub(document, RAM, "TypeCode", invoice_type_code(invoice))
    _date(_sub(document, RAM, "IssueDateTime"), UDT, invoice.issue_date)
    for note in (invoice.correction_reason, invoice.notes):
        if note.strip():
            _sub(_sub(document, RAM, "IncludedNote"), RAM, "Content", note.strip())

    transaction = _sub(root, RSM, "SupplyChainTradeTransaction")
    for line in lines:
        _line(transaction, line, sign=sign)

    agreement = _sub(transaction, RAM, "ApplicableHeaderTradeAgreement")
    _seller(agreement, invoice)
    _buyer(agreement, invoice)

    delivery = _sub(transaction, RAM, "ApplicableHeaderTradeDelivery")
    _date(
        _sub(_sub(delivery, RAM, "ActualDeliverySupplyChainEvent"), RAM, "OccurrenceDateTime"),
        UDT,
        invoice.supply_date,
    )

    settlement = _sub(transaction, RAM, "ApplicableHeaderTradeSettlement")
    _sub(settlement, RAM, "InvoiceCurrencyCode", currency)
    method = invoice.payment_method or (preceding.payment_method if preceding is not None else "")
    _sub(_sub(settlement, RAM, "SpecifiedTradeSettlementPaymentMeans"), RAM, "TypeCode", payment_means_code(method))
    for row in invoice.vat_rows(lines):
        tax = _sub(settlement, RAM, "ApplicableTradeTax")
        _sub(tax, RAM, "CalculatedAmount", _amount(sign * row["vat_cents"]))
        _sub(tax, RAM, "TypeCode", "VAT")
        _sub(tax, RAM, "BasisAmount", _amount(sign * row["net_cents"]))
        _sub(tax, RAM, "CategoryCode", _category(row["rate"]))
        _sub(tax, RAM, "RateApplicablePercent", _percent(row["rate"]))
    totals = _sub(settlement, RAM, "SpecifiedTradeSettlementHeaderMonetarySummation")
    net = sign * sum(line.net_cents for line in lines)
    total = sign * invoice.total_cents
    _sub(totals, RAM, "LineTotalAmount", _amount(net))
    _sub(totals, RAM, "TaxBasisTotalAmount", _amount(sign * invoice.subtotal_cents))
    _sub(totals, RAM, "TaxTotalAmount", _amount(sign * invoice.tax_cents), currencyID=currency)
    _sub(totals, RAM, "GrandTotalAmount", _amount(total))
    _sub(totals, RAM, "TotalPrepaidAmount", _amount(total))
    _sub(totals, RAM, "DuePayableAmount", _amount(0))
    if preceding is not None:
        reference = _sub(settlement, RAM, "InvoiceReferencedDocument")
        _sub(reference, RAM, "IssuerAssignedID", preceding.number)
        _date(_sub(reference, RAM, "FormattedIssueDateTime"), QDT, preceding.issue_date)

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def invoice_xml_sha256(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()


def payment_means_code(method: str) -> str:
    return PAYMENT_MEANS.get(method, PAYMENT_MEANS_OTHER)


def _line(transaction, line: InvoiceLine, *, sign: int) -> None:
    item = _sub(transaction, RAM, "IncludedSupplyChainTradeLineItem")
    _sub(_sub(item, RAM, "AssociatedDocumentLineDocument"), RAM, "LineID", str(line.position))
    _sub(_sub(item, RAM, "SpecifiedTradeProduct"), RAM, "Name", line.description)
    price = (line.unit_price_net_exact / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    agreement = _sub(item, RAM, "SpecifiedLineTradeAgreement")
    _sub(_sub(agreement, RAM, "NetPriceProductTradePrice"), RAM, "ChargeAmount", f"{price:f}")
    _sub(
        _sub(item, RAM, "SpecifiedLineTradeDelivery"),
        RAM,
        "BilledQuantity",
        str(sign * line.quantity),
        unitCode=UNIT_CODE,
    )
    settlement = _sub(item, RAM, "SpecifiedLineTradeSettlement")
    rate = Decimal(line.vat_rate)
    tax = _sub(settlement, RAM, "ApplicableTradeTax")
    _sub(tax, RAM, "TypeCode", "VAT")
    _sub(tax, RAM, "CategoryCode", _category(rate))
    _sub(tax, RAM, "RateApplicablePercent", _percent(rate))
    summation = _sub(settlement, RAM, "SpecifiedTradeSettlementLineMonetarySummation")
    _sub(summation, RAM, "LineTotalAmount", _amount(sign * line.net_cents))


def _seller(agreement, invoice: Invoice) -> None:
    party = _sub(agreement, RAM, "SellerTradeParty")
    if not invoice.seller_vat_id and not invoice.seller_register_number:
        # BR-CO-26 wants BT-29, BT-30 or BT-31: a seller with only a tax number is identified by it.
        _sub(party, RAM, "ID", invoice.seller_tax_number)
    _sub(party, RAM, "Name", invoice.seller_name)
    if invoice.seller_register_number:
        # BT-30: the commercial register number (the court is printed on the PDF).
        _sub(_sub(party, RAM, "SpecifiedLegalOrganization"), RAM, "ID", invoice.seller_register_number)
    _address(party, invoice.seller_street, invoice.seller_postal_code, invoice.seller_city, invoice.seller_country)
    if invoice.seller_vat_id:
        _sub(_sub(party, RAM, "SpecifiedTaxRegistration"), RAM, "ID", invoice.seller_vat_id, schemeID="VA")
    if invoice.seller_tax_number:
        _sub(_sub(party, RAM, "SpecifiedTaxRegistration"), RAM, "ID", invoice.seller_tax_number, schemeID="FC")


def _buyer(agreement, invoice: Invoice) -> None:
    party = _sub(agreement, RAM, "BuyerTradeParty")
    _sub(party, RAM, "Name", invoice.buyer_business_name or invoice.buyer_name)
    if invoice.buyer_business_name:
        # BT-56: the person, when the buyer is the business.
        _sub(_sub(party, RAM, "DefinedTradeContact"), RAM, "PersonName", invoice.buyer_name)
    _address(party, invoice.buyer_street, invoice.buyer_postal_code, invoice.buyer_city, invoice.buyer_country)
    if invoice.buyer_vat_id:
        _sub(_sub(party, RAM, "SpecifiedTaxRegistration"), RAM, "ID", invoice.buyer_vat_id, schemeID="VA")


def _address(party, street: str, postal_code: str, city: str, country: str) -> None:
    address = _sub(party, RAM, "PostalTradeAddress")
    if postal_code:
        _sub(address, RAM, "PostcodeCode", postal_code)
    if street:
        _sub(address, RAM, "LineOne", street)
    if city:
        _sub(address, RAM, "CityName", city)
    _sub(address, RAM, "CountryID", country.upper())


def _category(rate: Decimal) -> str:
    return "S" if rate > 0 else "Z"


def _percent(rate) -> str:
    return f"{Decimal(rate).quantize(Decimal('0.01')):f}"


def _amount(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _date(parent, namespace: str, value) -> None:
    _sub(parent, namespace, "DateTimeString", f"{value:%Y%m%d}", format="102")


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _sub(parent, namespace: str, tag: str, text: str | None = None, **attributes: str):
    element = etree.SubElement(parent, _q(namespace, tag), attributes)
    if text is not None:
        element.text = text
    return element
