"""Attach the EN 16931 XML to a PDF/A-3b as ``factur-x.xml`` (the ``factur-x`` library).

The relationship is passed explicitly: /Alternative, as Factur-X requires for
the EN 16931 profile (the library's default, /Data, is meant for MINIMUM and
BASIC WL). The library replaces the XMP metadata with one that keeps the
PDF/A identification (part 3, conformance B) and adds the Factur-X extension
schema (document type INVOICE, file name, version 1.0, conformance level
EN 16931); the OutputIntent WeasyPrint wrote stays in the catalog.
"""

from facturx import generate_from_binary

# The producer the library writes into the XMP (pdf:Producer); the PDF's information dictionary must say the same.
FACTURX_XMP_PRODUCER = "pypdf"


def pdf_embed_facturx(*, pdf: bytes, xml: bytes, title: str, author: str, subject: str, lang: str) -> bytes:
    """The PDF/A-3b ``pdf`` with ``xml`` attached as Factur-X EN 16931; the XML is validated by the caller's tests."""
    return generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        # The builder's XML is checked against the XSD and the schematron in CI (facturx_validate);
        # checking the XSD again on every rendering would only cost time.
        check_xsd=False,
        afrelationship="alternative",
        # No keywords: the library's XMP has no pdf:Keywords, so the information dictionary must have none either.
        pdf_metadata={"author": author, "keywords": "", "title": title, "subject": subject},
        lang=lang,
    )
