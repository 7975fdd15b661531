"""Invoice services: numbering, issuing, status changes, corrections (cancelling), the PDF copy, delivery by mail.

The public API is re-exported here; each rule lives in one submodule.
"""

from invoices.services.corrections import (
    CorrectionRefused,
    correction_plan,
    invoice_balances,
    invoice_cancel,
    invoice_correct,
    invoice_corrective_documents,
    invoice_reissue,
    reissue_refusal,
)
from invoices.services.delivery import (
    invoice_after_issue,
    invoice_deliver,
    invoice_deliver_after_commit,
    invoice_email_send,
    invoices_undelivered,
)
from invoices.services.issuing import InvoiceRefused, Refusal, invoice_issue, invoice_lines_compute, invoice_refusal
from invoices.services.numbering import (
    invoice_number_allocate,
    invoice_number_and_date_allocate,
    invoice_number_format,
    invoice_number_format_check,
)
from invoices.services.pdf_storage import invoice_pdf_bytes, invoice_pdf_name, invoice_pdf_store
from invoices.services.status import InvoiceStatusRefused, invoice_set_status

__all__ = [
    "CorrectionRefused",
    "correction_plan",
    "invoice_balances",
    "invoice_correct",
    "invoice_corrective_documents",
    "invoice_reissue",
    "reissue_refusal",
    "InvoiceRefused",
    "InvoiceStatusRefused",
    "Refusal",
    "invoice_after_issue",
    "invoice_cancel",
    "invoice_deliver",
    "invoice_deliver_after_commit",
    "invoice_email_send",
    "invoice_issue",
    "invoice_lines_compute",
    "invoice_number_allocate",
    "invoice_number_and_date_allocate",
    "invoice_number_format",
    "invoice_number_format_check",
    "invoice_pdf_bytes",
    "invoice_pdf_name",
    "invoice_pdf_store",
    "invoice_refusal",
    "invoice_set_status",
    "invoices_undelivered",
]
