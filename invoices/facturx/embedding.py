"""Attach the EN 16931 XML to a PDF/A-3b as ``factur-x.xml`` (the ``factur-x`` library).

The relationship is passed explicitly: /Alternative, as Factur-X requires for
the EN 16931 profile (the library's default, /Data, is meant for MINIMUM and
BASIC WL). The library replaces the XMP metadata with one that keeps the
PDF/A identification (part 3, conformance B) and adds the Factur-X extension
schema (document type INVOICE, file name, version 1.0, conformance level
EN 16931); the OutputIntent WeasyPrint wrote stays in the catalog.

Deterministic output: the library stamps the current time into the document
information, the attachment's parameters and the XMP. Those stamps are
replaced by the document's own issue time (same length, so the
cross-reference offsets stay valid; the XMP is left uncompressed for that), so
the same frozen invoice always gives the same bytes and a re-rendering has
the stored file's hash.
"""

import re
from datetime import UTC, datetime

from facturx import generate_from_binary

# The producer the library writes into the XMP (pdf:Producer); the PDF's information dictionary must say the same.
FACTURX_XMP_PRODUCER = "pypdf"

# Info /CreationDate and /ModDate, the attachment's /Params /ModDate (pypdf writes ":", "+" and "'" as
# octal escapes); XMP CreateDate and ModifyDate. Only the 14 digits are replaced, so lengths never change.
_PDF_STAMP = re.compile(rb"(\(D(?::|\\072))(\d{14})((?:\+|\\053)00(?:'|\\047)00(?:'|\\047)\))")
_XMP_STAMP = re.compile(rb"(>)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\+00:00<)")
PDF_STAMPS, XMP_STAMPS = 3, 2


class FacturxStampError(RuntimeError):
    """The library's output no longer has the time stamps this module fixes (a library upgrade)."""


def pdf_embed_facturx(
    *, pdf: bytes, xml: bytes, title: str, author: str, subject: str, lang: str, moment: datetime
) -> bytes:
    """The PDF/A-3b ``pdf`` with ``xml`` attached as Factur-X EN 16931, time-stamped ``moment``.

    The XML is validated by the caller's tests (``facturx_validate``), not here.
    """
    result = generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        # Checked against the XSD and the schematron in CI; checking the XSD on every rendering only costs time.
        check_xsd=False,
        afrelationship="alternative",
        # No keywords: the library's XMP has no pdf:Keywords.
        pdf_metadata={"author": author, "keywords": "", "title": title, "subject": subject},
        lang=lang,
        xmp_compression=False,
    )
    return _stamps_fix(result, moment.astimezone(UTC))


def _stamps_fix(pdf: bytes, moment: datetime) -> bytes:
    pdf_digits = moment.strftime("%Y%m%d%H%M%S").encode()
    xmp_digits = moment.strftime("%Y-%m-%dT%H:%M:%S").encode()
    pdf, pdf_count = _PDF_STAMP.subn(lambda m: m.group(1) + pdf_digits + m.group(3), pdf)
    pdf, xmp_count = _XMP_STAMP.subn(lambda m: m.group(1) + xmp_digits + m.group(3), pdf)
    if (pdf_count, xmp_count) != (PDF_STAMPS, XMP_STAMPS):
        raise FacturxStampError(f"expected {PDF_STAMPS}+{XMP_STAMPS} time stamps, found {pdf_count}+{xmp_count}")
    return pdf
