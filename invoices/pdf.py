"""Invoice documents as HTML and PDF (WeasyPrint), from the frozen invoice data only.

``invoice_render_html`` gives the print HTML; ``invoice_html_to_pdf`` turns any
such HTML into a PDF/A-3b; ``invoice_render_pdf`` is both, plus the Factur-X
EN 16931 XML attached as ``factur-x.xml`` when the document has one (not a
receipt, a buyer with name and address: ``invoices.facturx``). A benchmark can
time the bare ``weasyprint.HTML(string=html, base_url=FONT_BASE_URL).write_pdf()``
against ``invoice_render_pdf`` on the same HTML.
"""

import threading
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pydyf
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from common.countries import country_name
from common.qr import qr_svg
from invoices.facturx import invoice_facturx_xml, invoice_has_xml
from invoices.facturx.embedding import FACTURX_XMP_PRODUCER, pdf_embed_facturx

# PDF/A-3: the archival PDF that may carry attachments (the Factur-X XML); level b (visual appearance).
PDF_VARIANT = "pdf/a-3b"

FONT_DIR = Path(settings.INVOICE_FONT_DIR).resolve()
FONT_BASE_URL = FONT_DIR.as_uri() + "/"


class FontsOnlyFetcher(URLFetcher):
    """Lets the renderer read the shipped fonts and nothing else.

    Invoices carry text typed by customers; even though it is escaped, the
    renderer must never be able to reach the network or other local files.
    """

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(url2pathname(parsed.path)).resolve()
            if path.is_relative_to(FONT_DIR):
                return super().fetch(url, headers)
        raise ValueError(f"Invoice rendering may only load shipped fonts, not {url!r}")


def invoice_document_context(invoice) -> dict:
    """What both the PDF and the HTML page show; one query for the lines."""
    lines = list(invoice.lines.all())
    corrected = invoice.corrected_document
    return {
        "invoice": invoice,
        "lines": lines,
        "vat_rows": invoice.vat_rows(lines),
        "seller_country": country_name(invoice.seller_country),
        "buyer_country": country_name(invoice.buyer_country),
        "place_country": country_name(invoice.place_country) if invoice.place_country != invoice.seller_country else "",
        # A cancellation or correction prints the original's number and date (§ 31 (5) UStDV), a re-issue the one it replaces.
        "corrected_number": corrected.number if corrected else "",
        "corrected_issue_date": corrected.issue_date if corrected else None,
        "replaced_number": invoice.replaces.number if invoice.replaces_id else "",
        "replaced_issue_date": invoice.replaces.issue_date if invoice.replaces_id else None,
        **payment_document_context(invoice),
    }


def payment_document_context(invoice) -> dict:
    """The payment's TSE data and the host's latest business-meal declaration, for the sections below the totals."""
    is_meal_document = not invoice.is_corrective
    payment = invoice.payment if invoice.payment_id else None
    return {
        "payment": payment,
        # Our own SVG from the signer's QR data (text, escaped by the QR encoder).
        "tse_qr_svg": mark_safe(qr_svg(payment.tse_qr_data, box_size=2)) if payment and payment.tse_qr_data else "",  # noqa: S308
        "business_meal": invoice.business_meals.order_by("-created_at", "-id").first() if is_meal_document else None,
        "business_meal_form": is_meal_document,
        "host_required": invoice.total_cents > settings.SMALL_INVOICE_LIMIT_CENTS,
        "small_invoice_limit_cents": settings.SMALL_INVOICE_LIMIT_CENTS,
    }


def invoice_language(invoice) -> str:
    """The language the document was issued in; every rendering of it uses this one, whoever looks."""
    return invoice.language or "en"


def _page_footer_css() -> str:
    """ "Page 1 of 2" as a CSS content value, in the active language (counters between the quoted parts)."""
    text = gettext("Page %(page)s of %(pages)s").replace("\\", "").replace('"', "")
    page, _sep, rest = text.partition("%(page)s")
    between, _sep, after = rest.partition("%(pages)s")
    return f'" · {page}" counter(page) "{between}" counter(pages) "{after}"'


def _print_html_and_context(invoice) -> tuple[str, dict]:
    with translation.override(invoice_language(invoice)):
        context = invoice_document_context(invoice)
        context["page_footer_css"] = mark_safe(_page_footer_css())  # noqa: S308 (quotes removed above)
        context["document_title"] = f"{invoice.title} {invoice.number}"
        return render_to_string("invoices/pdf.html", context), context


def invoice_render_html(invoice) -> str:
    """The print HTML of an invoice (``templates/invoices/pdf.html``), in the document's language."""
    return _print_html_and_context(invoice)[0]


def invoice_document_html(invoice, context: dict) -> str:
    """The document part of the invoice page (``_document.html``) in the document's language.

    The portal page around it stays in the viewer's language; the document
    reads as printed, so a German invoice shows German to an English viewer.
    """
    with translation.override(invoice_language(invoice)):
        return render_to_string("invoices/_document.html", context)


_thread_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """This thread's font configuration, reused for every document it renders.

    A new ``FontConfiguration`` copies each @font-face file (the 3.4 MB CJK
    fallback among them) into a fresh fontconfig folder: about 15 ms of every
    rendering. WeasyPrint skips a face a configuration already holds, so a
    reused one pays that once per thread. One per thread, because a fontconfig
    configuration is not documented as safe to share between threads. The
    output does not depend on it: renderings stay byte-identical (tested).
    """
    config = getattr(_thread_fonts, "config", None)
    if config is None:
        config = _thread_fonts.config = FontConfiguration()
    return config


def invoice_html_to_pdf(html: str, *, for_facturx: bool = False) -> bytes:
    """A PDF/A-3b of ``html`` (fonts embedded, sRGB OutputIntent, XMP identification by WeasyPrint).

    ``for_facturx``: the ``factur-x`` library will replace the XMP with one
    naming pypdf as the producer; PDF/A wants the document information
    dictionary to agree with the XMP, so the producer is named alike here.
    """
    return HTML(
        string=html, base_url=FONT_BASE_URL, url_fetcher=FontsOnlyFetcher(allowed_protocols=["file"])
    ).write_pdf(
        pdf_variant=PDF_VARIANT,
        finisher=_facturx_producer if for_facturx else None,
        font_config=_font_config(),
    )


def _facturx_producer(document, pdf) -> None:
    pdf.info["Producer"] = pydyf.String(FACTURX_XMP_PRODUCER)


def invoice_render_pdf(invoice) -> bytes:
    """The PDF/A-3b of an invoice, rendered from its frozen data, with its Factur-X XML attached if it has one."""
    # In the document's language (``invoice.language``), whoever asks: a re-render reproduces it.
    html, context = _print_html_and_context(invoice)
    has_xml = invoice_has_xml(invoice)
    pdf = invoice_html_to_pdf(html, for_facturx=has_xml)
    if not has_xml:
        return pdf
    return pdf_embed_facturx(
        pdf=pdf,
        xml=invoice_facturx_xml(invoice, context["lines"]),
        title=context["document_title"],
        author=invoice.seller_name,
        subject=f"{context['document_title']} ({invoice.seller_name})",
        lang=invoice.language,
        moment=invoice.created_at,
    )
