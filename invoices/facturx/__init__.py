"""Factur-X / EN 16931: the CII XML of a document, its validation, and embedding it into the PDF/A-3b.

- ``builder.invoice_facturx_xml``: the deterministic CII XML (profile EN 16931) from the frozen rows.
- ``validation.facturx_validate``: XSD + the official EN 16931 schematron (saxonche); a list of errors.
- ``embedding.pdf_embed_facturx``: attaches the XML as ``factur-x.xml`` (/Alternative) with the XMP.
"""

from invoices.facturx.builder import invoice_facturx_xml, invoice_has_xml

__all__ = ["invoice_facturx_xml", "invoice_has_xml"]
