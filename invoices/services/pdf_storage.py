"""The PDF copy of an invoice in the private storage: written once after issue, read back for downloads.

The record is the frozen invoice rows (and the SHA-256 of their XML); the
stored PDF is the copy that was delivered. Rules (GoBD, tamper evidence):

- The first stored PDF is written once and its SHA-256 kept (``pdf_sha256``,
  write-once in the ORM and the database). A copy whose hash is kept is never
  replaced or deleted by the product.
- A download reads the stored copy and checks it against the kept hash.
- Stored file missing: the document is rendered again from the frozen data
  and served. It is stored again only if no hash was kept (never stored, or
  stored before hashes existed), or if the new rendering hashes exactly to the
  kept hash (renderings are deterministic, so that *is* the lost copy).
  Otherwise the loss stays visible in ``manage.py check_documents``.
- Stored file differs from its hash (altered, or cut short): a warning is
  logged (number and id, nothing else) and a rendering from the frozen data is
  served; the stored file is left as it is, as evidence, and
  ``check_documents`` lists it (non-zero exit). Never silently replaced.
- A document with the host's business-meal declaration is served as a fresh
  rendering (frozen data + latest declaration); its stored first copy stays.
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


def invoice_pdf_store(*, invoice: Invoice) -> bytes | None:
    """Render the PDF from the frozen data and store it as the first copy, keeping its hash.

    Returns the rendering, or None without rendering when a copy with a kept
    hash exists (it is never replaced; see the module docstring). Never call
    inside a transaction: rendering takes tens of milliseconds and must not
    hold row locks.

    Safe to run twice at once (two downloads of a missing file). Nothing is
    deleted before the new copy is written: the file is saved under its stable
    name, which ``PrivateFileSystemStorage`` (like S3) overwrites atomically.
    The invoice then records the name the storage actually returned and the
    hash, with a compare-and-set on the previous PDF fields and an empty hash:
    one writer wins, and a copy that ended up under another name (a storage
    that never overwrites) is deleted by whoever wrote it, so no orphan stays.
    """
    if invoice.pdf_sha256:
        return None
    from invoices.pdf import invoice_render_pdf

    pdf = invoice_render_pdf(invoice)
    storage = invoice_storage()
    previous_path, previous_rendered_at = invoice.pdf_path, invoice.pdf_rendered_at
    stored = storage.save(previous_path or invoice_pdf_name(invoice), ContentFile(pdf))
    rendered_at = timezone.now()
    # Renderings of one invoice are byte-identical, so the hash also fits the
    # file a concurrent writer may have overwritten it with.
    sha256 = hashlib.sha256(pdf).hexdigest()
    won = Invoice.objects.filter(
        pk=invoice.pk, pdf_path=previous_path, pdf_rendered_at=previous_rendered_at, pdf_sha256=""
    ).update(pdf_path=stored, pdf_rendered_at=rendered_at, pdf_error="", pdf_sha256=sha256)
    if won:
        if previous_path and previous_path != stored:
            storage.delete(previous_path)  # an unhashed copy the storage kept instead of overwriting it
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


def _restore_lost_copy(*, invoice: Invoice, pdf: bytes) -> None:
    """Write a rendering back where the kept copy was lost, if it is byte for byte that copy."""
    if hashlib.sha256(pdf).hexdigest() != invoice.pdf_sha256:
        logger.warning(
            "Invoice %s (id %s): stored PDF missing and a new rendering differs from the kept hash; "
            "serving the rendering, the loss stays reported by check_documents",
            invoice.number,
            invoice.pk,
        )
        return
    storage = invoice_storage()
    stored = storage.save(invoice.pdf_path, ContentFile(pdf))
    if stored != invoice.pdf_path:
        storage.delete(stored)  # someone restored it meanwhile under the recorded name
    logger.warning(
        "Invoice %s (id %s): stored PDF was missing; restored from the frozen data", invoice.number, invoice.pk
    )


def invoice_pdf_bytes(*, invoice: Invoice) -> bytes:
    """The document's PDF for a download or mail: the verified stored copy, else a rendering from frozen data.

    See the module docstring for what happens to a missing or altered copy.
    Works on any storage backend: a missing file is found with ``exists()``,
    not by the error ``open()`` happens to raise (an object store raises its
    own), and any error while reading falls back to rendering again.
    """
    from invoices.pdf import invoice_render_pdf

    if invoice.business_meals.exists():
        return invoice_render_pdf(invoice)
    if not invoice.pdf_path:
        return invoice_pdf_store(invoice=invoice) or invoice_render_pdf(invoice)
    storage = invoice_storage()
    try:
        exists = storage.exists(invoice.pdf_path)
        data = None
        if exists:
            with storage.open(invoice.pdf_path, "rb") as handle:
                data = handle.read()
    except Exception:
        logger.warning(
            "Invoice %s (id %s): stored PDF unreadable, serving a rendering", invoice.number, invoice.pk, exc_info=True
        )
        return invoice_render_pdf(invoice)
    if not invoice.pdf_sha256:
        # Nothing kept yet (stored before hashes existed, or a write cut short): a complete
        # file is served as it is; a missing or broken one is stored again as the first copy.
        if data is not None and _pdf_complete(data):
            return data
        logger.warning(
            "Invoice %s (id %s): stored PDF missing or incomplete, storing it again", invoice.number, invoice.pk
        )
        return invoice_pdf_store(invoice=invoice) or invoice_render_pdf(invoice)
    if data is None:
        pdf = invoice_render_pdf(invoice)
        _restore_lost_copy(invoice=invoice, pdf=pdf)
        return pdf
    if hashlib.sha256(data).hexdigest() != invoice.pdf_sha256:
        logger.warning(
            "Invoice %s (id %s): stored PDF differs from its recorded SHA-256; serving a rendering from the "
            "frozen data and keeping the stored file as evidence (see check_documents)",
            invoice.number,
            invoice.pk,
        )
        return invoice_render_pdf(invoice)
    return data
