"""The PDF/A-3b with the Factur-X XML, read back with pypdf: attachment, relationship, XMP, OutputIntent, fonts.

No full PDF/A validator (veraPDF) is installed here; these checks are what we claim.
"""

import datetime as dt
import hashlib
import io

import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from invoices.facturx import invoice_facturx_xml
from invoices.facturx.validation import facturx_validate
from invoices.models import Invoice
from invoices.pdf import invoice_render_pdf
from invoices.services import invoice_cancel, invoice_issue
from invoices.services.payment_documents import payment_invoice_issue, receipt_issue
from invoices.tests.factories import paid_order
from invoices.tests.test_facturx_xml import BUYER, correction_of
from orders.services_payment import payment_record
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db

XMP_NS = {
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
}


def resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def embedded_files(reader: PdfReader) -> dict[str, dict]:
    root = reader.trailer["/Root"]
    names = root.get("/Names", {}).get("/EmbeddedFiles", {}).get("/Names", [])
    return {str(names[i]): resolve(names[i + 1]) for i in range(0, len(names), 2)}


def xmp(reader: PdfReader) -> etree._Element:
    data = resolve(reader.trailer["/Root"]["/Metadata"]).get_data()
    start, end = data.index(b"<x:xmpmeta"), data.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    return etree.fromstring(data[start:end])


def xmp_value(tree, path: str) -> str:
    found = tree.find(".//" + path, XMP_NS)
    if found is not None:
        return found.text
    # Also accept the attribute form (rdf:Description pdfaid:part="3").
    prefix, name = path.split(":")
    for description in tree.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
        value = description.get(f"{{{XMP_NS[prefix]}}}{name}")
        if value is not None:
            return value
    return ""


def fonts(resources, seen=None):
    """Every font dictionary reachable from a resources dictionary (pages, forms, patterns)."""
    seen = set() if seen is None else seen
    resources = resolve(resources) or {}
    for font in (resolve(resources.get("/Font")) or {}).values():
        yield resolve(font)
    for xobject in (resolve(resources.get("/XObject")) or {}).values():
        ref = getattr(xobject, "idnum", None)
        if ref in seen:
            continue
        seen.add(ref)
        xobject = resolve(xobject)
        if "/Resources" in xobject:
            yield from fonts(xobject["/Resources"], seen)


def font_is_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = resolve(font["/DescendantFonts"][0])
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by the font's own content streams
    descriptor = resolve(font.get("/FontDescriptor"))
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def assert_pdfa_3b(reader: PdfReader) -> etree._Element:
    root = reader.trailer["/Root"]
    intents = resolve(root.get("/OutputIntents"))
    assert intents and resolve(intents[0])["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in resolve(intents[0])
    tree = xmp(reader)
    assert xmp_value(tree, "pdfaid:part") == "3"
    assert xmp_value(tree, "pdfaid:conformance") == "B"
    page_fonts = [font for page in reader.pages for font in fonts(page["/Resources"])]
    assert page_fonts
    not_embedded = [str(font.get("/BaseFont")) for font in page_fonts if not font_is_embedded(font)]
    assert not_embedded == []
    return tree


def assert_facturx(invoice: Invoice) -> bytes:
    reader = PdfReader(io.BytesIO(invoice_render_pdf(invoice)))
    tree = assert_pdfa_3b(reader)
    assert xmp_value(tree, "fx:ConformanceLevel") == "EN 16931"
    assert xmp_value(tree, "fx:DocumentFileName") == "factur-x.xml"
    assert xmp_value(tree, "fx:DocumentType") == "INVOICE"
    # The information dictionary agrees with the XMP on producer and title.
    producer = tree.find(".//{http://ns.adobe.com/pdf/1.3/}Producer").text
    assert reader.metadata["/Producer"] == producer
    assert reader.metadata["/Title"] == tree.find(".//{http://purl.org/dc/elements/1.1/}title//{*}li").text
    files = embedded_files(reader)
    assert list(files) == ["factur-x.xml"]
    spec = files["factur-x.xml"]
    assert spec["/AFRelationship"] == "/Alternative"
    assert spec["/F"] == "factur-x.xml" and spec["/UF"] == "factur-x.xml"
    af = [resolve(entry) for entry in resolve(reader.trailer["/Root"]["/AF"])]
    assert af == [spec]
    xml = resolve(spec["/EF"]["/F"]).get_data()
    assert xml == invoice_facturx_xml(invoice)
    assert hashlib.sha256(xml).hexdigest() == invoice.xml_sha256 != ""
    assert facturx_validate(xml) == []
    return xml


@pytest.fixture
def invoice(customer):
    order = paid_order(customer=customer)
    return invoice_issue(order=order, customer=customer)


@pytest.fixture
def table(restaurant_a):
    return TableFactory(restaurant=restaurant_a)


def test_invoice_pdf_is_facturx_en16931_pdfa_3b(invoice):
    assert_facturx(invoice)


def test_cancellation_pdf_is_facturx_with_its_credit_note(invoice):
    cancellation = invoice_cancel(invoice=invoice, reason="Wrong billing address")
    assert b"<ram:TypeCode>381</ram:TypeCode>" in assert_facturx(cancellation)


def test_partial_correction_pdf_is_facturx(invoice):
    from invoices.services.xml_record import invoice_xml_record

    correction = correction_of(invoice, {2: 1})
    invoice_xml_record(invoice=correction)  # what the corrections service does at issue
    assert b"<ram:TypeCode>381</ram:TypeCode>" in assert_facturx(correction)


def test_payment_invoice_pdf_is_facturx_and_prints_the_tip_outside_the_xml(table):
    order = order_with_lines(restaurant=table.restaurant, table=table, lines=((2, 1250, "7.00"),))
    payment = payment_record(order_ids=[order.pk], method="card", tip_cents=300, tip_confirmed=True)
    invoice, _ = payment_invoice_issue(payment=payment, buyer=BUYER)
    xml = assert_facturx(invoice)
    assert b"28.00" not in xml and b"3.00" not in xml
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(invoice_render_pdf(invoice))).pages)
    assert "€3.00" in text and "€28.00" in text


def test_receipt_pdf_is_pdfa_3b_without_an_attachment(table):
    order = order_with_lines(restaurant=table.restaurant, table=table, lines=((2, 1250, "7.00"),))
    receipt = receipt_issue(payment=payment_record(order_ids=[order.pk], method="cash"))
    assert receipt.xml_sha256 == ""
    reader = PdfReader(io.BytesIO(invoice_render_pdf(receipt)))
    assert_pdfa_3b(reader)
    assert embedded_files(reader) == {}
    assert "/AF" not in reader.trailer["/Root"]


def test_xml_hash_is_recorded_once_at_issue(invoice):
    from invoices.services.xml_record import invoice_xml_record

    recorded = invoice.xml_sha256
    assert recorded == hashlib.sha256(invoice_facturx_xml(invoice)).hexdigest()
    invoice.buyer_city = "Elsewhere"  # a changed copy (not saved) has another XML ...
    assert hashlib.sha256(invoice_facturx_xml(invoice)).hexdigest() != recorded
    assert invoice_xml_record(invoice=invoice) == recorded  # ... but the recorded hash is never overwritten
    assert Invoice.objects.get(pk=invoice.pk).xml_sha256 == recorded


def test_renderings_of_one_document_are_byte_identical_and_stamped_with_its_issue_time(invoice):
    first = invoice_render_pdf(invoice)
    assert invoice_render_pdf(invoice) == first
    reader = PdfReader(io.BytesIO(first))
    created = invoice.created_at.astimezone(dt.UTC)
    assert reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == f"D:{created:%Y%m%d%H%M%S}+00'00'"
    tree = xmp(reader)
    assert tree.find(".//{http://ns.adobe.com/xap/1.0/}CreateDate").text == f"{created:%Y-%m-%dT%H:%M:%S}+00:00"
    spec = embedded_files(reader)["factur-x.xml"]
    assert resolve(spec["/EF"]["/F"])["/Params"]["/ModDate"] == f"D:{created:%Y%m%d%H%M%S}+00'00'"
