"""Status changes of invoices: the one place an invoice's status is written.

The status machine itself is declared on the model (``Invoice.STATUS_TRANSITIONS``).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from invoices.models import Invoice


class InvoiceStatusRefused(ValidationError):
    """The status machine does not allow this change; the message says why."""


def invoice_set_status(
    *, invoice: Invoice, status: str, cancellation: Invoice | None = None, now: datetime | None = None
) -> Invoice:
    """Move ``invoice`` to ``status`` along ``Invoice.STATUS_TRANSITIONS`` and stamp the time.

    Sent and paid are bookkeeping states (amounts never change); asking for
    the current status again changes nothing. Cancelled is reached only
    together with the ``cancellation`` document that cancels this invoice
    (``invoice_cancel`` issues it), never on its own. Locks the row and re-reads
    the status, so two changes at once cannot both pass the check. Returns the
    fresh, locked copy; raises InvoiceStatusRefused for a move the machine forbids.
    """
    status = Invoice.Status(status)
    if status == Invoice.Status.CANCELLED and (cancellation is None or cancellation.cancels_id != invoice.pk):
        raise InvoiceStatusRefused("Use invoice_cancel to cancel an invoice.")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if status == locked.status:
            return locked
        if status not in Invoice.STATUS_TRANSITIONS[Invoice.Status(locked.status)]:
            raise InvoiceStatusRefused(
                f"{locked.title} {locked.number} is {locked.get_status_display().lower()} "
                f"and cannot be marked {status.label.lower()}."
            )
        field = Invoice.STATUS_TIMESTAMPS[status]
        locked.status = status
        setattr(locked, field, now or timezone.now())
        locked.save(update_fields=["status", field])
    return locked
