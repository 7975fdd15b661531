"""The XML download: the same bytes as the ``factur-x.xml`` inside the PDF, for the portal and the admin."""

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from invoices.facturx.builder import invoice_facturx_xml, invoice_has_xml


def invoice_xml_filename(invoice) -> str:
    return invoice.pdf_filename.removesuffix(".pdf") + ".xml"


def invoice_xml_response(invoice) -> HttpResponse:
    """An attachment ``<number>.xml`` (application/xml); 404 for a document without XML (receipts)."""
    if not invoice_has_xml(invoice):
        raise Http404("This document has no e-invoice XML.")
    response = HttpResponse(invoice_facturx_xml(invoice), content_type="application/xml")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=invoice_xml_filename(invoice)
    )
    response["Cache-Control"] = "private, no-store"
    return response
