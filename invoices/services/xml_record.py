"""Record the SHA-256 of a document's EN 16931 XML once, when it is issued."""

from invoices.facturx import invoice_facturx_xml, invoice_has_xml
from invoices.facturx.builder import invoice_xml_sha256
from invoices.models import Invoice


def invoice_xml_record(*, invoice: Invoice) -> str:
    """Store ``invoice.xml_sha256`` (hex SHA-256 of its XML); returns it, or "" for a document without XML.

    Call inside the issuing transaction, after the lines exist. The XML is
    deterministic, so the hash identifies the frozen record; it is only ever
    set from empty to a value (a second call changes nothing).
    """
    if not invoice_has_xml(invoice):
        return ""
    sha256 = invoice_xml_sha256(invoice_facturx_xml(invoice))
    if Invoice.objects.filter(pk=invoice.pk, xml_sha256="").update(xml_sha256=sha256):
        invoice.xml_sha256 = sha256
    else:
        invoice.refresh_from_db(fields=["xml_sha256"])  # recorded before: keep that value
    return invoice.xml_sha256
