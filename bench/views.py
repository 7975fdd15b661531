"""Baselines: the least a Django view can do for the same request (the framework's ceiling).

Each runs through the same server, middleware, session and CSRF handling as the
page it stands beside and runs the same number of SQL queries (the runner reads
the page's count from ``X-Bench-Queries`` and passes ``queries=``), but renders
nothing: the difference to the real page is the cost of the app's own work.
"""

from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET, require_POST

from orders.models import Restaurant

MAX_QUERIES = 100


def _query_count(request) -> int | None:
    try:
        queries = int(request.GET.get("queries", "0"))
    except ValueError:
        return None
    return queries if 0 <= queries <= MAX_QUERIES else None


def _run_queries(count: int) -> None:
    # A primary-key lookup through the ORM: the cheapest realistic query.
    for _ in range(count):
        Restaurant.objects.filter(pk=1).first()


@require_GET
def baseline_get(request):
    count = _query_count(request)
    if count is None:
        return HttpResponseBadRequest("queries must be 0..100")
    _run_queries(count)
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def baseline_post(request):
    """CSRF-checked like the real form posts; the queries run in one transaction, as order_place does."""
    count = _query_count(request)
    if count is None:
        return HttpResponseBadRequest("queries must be 0..100")
    with transaction.atomic():
        _run_queries(count)
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def baseline_render(request):
    """A bare WeasyPrint render of the invoice HTML the app renders (see bench.invoice_html)."""
    from bench.invoice_html import bare_render

    pdf = bare_render()
    return HttpResponse(pdf, content_type="application/pdf")


@require_POST
def facturx_render(request):
    """The app's whole document rendering for the baseline's invoice: PDF/A-3b, EN 16931 XML, embedding.

    ``invoices.pdf.invoice_render_pdf`` on the invoice whose HTML the bare render uses, so the two
    differ only by what Factur-X adds (the PDF/A-3b variant, the XML, the attachment and XMP).
    """
    from bench.invoice_html import facturx_render as render

    return HttpResponse(render(), content_type="application/pdf")
