"""The bare-render baseline: WeasyPrint alone on the HTML the app renders for an invoice."""

import threading

_lock = threading.Lock()
_html: list[str] = []
_invoice_pk: list[int] = []


def invoice_html() -> str:
    """The print HTML of the newest invoice, rendered once per process by the app's own code."""
    with _lock:
        if not _html:
            from invoices.models import Invoice
            from invoices.pdf import invoice_render_html

            invoice = Invoice.objects.order_by("-pk").first()
            if invoice is None:
                raise LookupError("issue an invoice first: the baseline renders its HTML")
            _html.append(invoice_render_html(invoice))
            _invoice_pk.append(invoice.pk)
        return _html[0]


def facturx_render() -> bytes:
    """``invoice_render_pdf`` (template, PDF/A-3b render, XML, embedding) of the invoice ``invoice_html`` uses."""
    from invoices.models import Invoice
    from invoices.pdf import invoice_render_pdf

    invoice_html()
    return invoice_render_pdf(Invoice.objects.get(pk=_invoice_pk[0]))


def bare_render() -> bytes:
    """What invoices.pdf documents as the bare render: no fetcher, no template, no storage."""
    from weasyprint import HTML

    from invoices.pdf import FONT_BASE_URL

    return HTML(string=invoice_html(), base_url=FONT_BASE_URL).write_pdf()
