"""The PDF copy of an invoice in the private storage: written after issue, read back for downloads.

The frozen invoice fields are the record; the file is a rendering that can be
redone at any time, so a missing or broken file is rendered again.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.utils import timezone

from invoices.models import Invoice
from invoices.storage import invoice_storage

logger = logging.getLogger(__name__)


def invoice_pdf_name(invoice: Invoice) -> str:
    """Where a new rendering is stored; unique because (company, number) is.

    Numbers are unique per company only, so two companies' INV-2026-0001 for one
    customer need different names: the company id leads the file name. Files
    stored under the older name keep it (``pdf_path`` records the name).
    """
    owner = invoice.customer_id if invoice.customer_id is not None else "deleted"
    return f"customers/{owner}/invoices/{invoice.company_id}-{invoice.pdf_filename}"


def invoice_pdf_store(*, invoice: Invoice) -> bytes:
    """Render the PDF from the frozen data and write it to the private storage; returns the bytes.

    Never call inside a transaction: rendering takes tens of milliseconds and
    must not hold row locks.

    Safe to run twice at once (two downloads of a missing file). Nothing is
    deleted before the new copy is written: the file is saved under its stable
    name, which ``PrivateFileSystemStorage`` (like S3) overwrites atomically.
    The invoice then records the name the storage actually returned, with a
    compare-and-set on the previous PDF fields: one writer wins, and a copy
    that ended up under another name (a storage that never overwrites) is
    deleted by whoever wrote it, so no orphan stays behind.
    """
    from invoices.pdf import invoice_render_pdf

    pdf = invoice_render_pdf(invoice)
    storage = invoice_storage()
    previous_path, previous_rendered_at = invoice.pdf_path, invoice.pdf_rendered_at
    stored = storage.save(previous_path or invoice_pdf_name(invoice), ContentFile(pdf))
    rendered_at = timezone.now()
    # For check_documents. Renderings of one invoice are byte-identical, so the
    # hash also fits the file a concurrent writer may have overwritten it with.
    sha256 = hashlib.sha256(pdf).hexdigest()
    won = Invoice.objects.filter(pk=invoice.pk, pdf_path=previous_path, pdf_rendered_at=previous_rendered_at).update(
        pdf_path=stored, pdf_rendered_at=rendered_at, pdf_error="", pdf_sha256=sha256
    )
    if won:
        if previous_path and previous_path != stored:
            storage.delete(previous_path)  # the storage kept the old copy instead of overwriting it
        invoice.pdf_path, invoice.pdf_rendered_at, invoice.pdf_error = stored, rendered_at, ""
        invoice.pdf_sha256 = sha256
    else:
        # Another rendering was recorded first; keep that one.
        invoice.refresh_from_db(fields=["pdf_path", "pdf_rendered_at", "pdf_error", "pdf_sha256"])
        if stored != invoice.pdf_path:
            storage.delete(stored)
    return pdf


def _pdf_complete(data: bytes) -> bool:
    # A PDF starts with its header and ends with %%EOF; a cut-off write does not.
    return data.startswith(b"%PDF-") and data[-64:].rstrip().endswith(b"%%EOF")


def invoice_pdf_bytes(*, invoice: Invoice) -> bytes:
    """The stored PDF, or a fresh rendering when the file is missing, unreadable or incomplete.

    Works on any storage backend: a missing file is found with ``exists()``,
    not by the error ``open()`` happens to raise (an object store raises its
    own), and any error while reading falls back to rendering again from the
    frozen data, which is the record; the file is only a copy of it.
    """
    storage = invoice_storage()
    if invoice.pdf_path:
        try:
            if not storage.exists(invoice.pdf_path):
                logger.warning("Invoice %s: stored PDF missing, rendering it again", invoice.number)
            else:
                with storage.open(invoice.pdf_path, "rb") as handle:
                    data = handle.read()
                if _pdf_complete(data):
                    return data
                logger.warning("Invoice %s: stored PDF incomplete, rendering it again", invoice.number)
        except Exception:
            logger.warning("Invoice %s: stored PDF unreadable, rendering it again", invoice.number, exc_info=True)
    return invoice_pdf_store(invoice=invoice)
