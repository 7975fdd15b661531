"""Status changes of invoices: the one place an invoice's status is written.

The status machine itself is declared on the model (``Invoice.STATUS_TRANSITIONS``).
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from invoices.models import Invoice


class InvoiceStatusRefused(ValidationError):
    """The status machine does not allow this change; the message says why."""


def invoice_set_status(
    *,
    invoice: Invoice,
    status: str,
    cancellation: Invoice | None = None,
    now: datetime | None = None,
    actor: Any = None,
    request: Any = None,
) -> Invoice:
    """Move ``invoice`` to ``status`` along ``Invoice.STATUS_TRANSITIONS`` and stamp the time.

    Sent and paid are bookkeeping states (amounts never change); asking for
    the current status again changes nothing. Cancelled is reached only
    together with the ``cancellation`` document that cancels this invoice
    (``invoice_cancel`` issues it), never on its own. Locks the row and re-reads
    the status, so two changes at once cannot both pass the check. Returns the
    fresh, locked copy; raises InvoiceStatusRefused for a move the machine forbids.

    Each change writes one DOCUMENT_STATUS audit entry (old → new) in the same
    transaction; ``actor`` empty means the system (the mail task, a cancellation
    without a signed-in user).
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
        previous = locked.status
        setattr(locked, field, now or timezone.now())
        locked.status = status
        locked.save(update_fields=["status", field])
        audit_record(
            action=AuditEntry.Action.DOCUMENT_STATUS,
            request=request,
            actor=actor,
            restaurant_id=locked.restaurant_id,
            obj=locked,
            data={
                "number": locked.number,
                "kind": locked.kind,
                "from": str(previous),
                "to": str(status),
                **({"cancellation": cancellation.number} if cancellation is not None else {}),
            },
        )
    return locked


def invoice_issue_audit(*, document: Invoice, actor: Any = None, request: Any = None, **details: Any) -> None:
    """The DOCUMENT_ISSUED entry for a newly issued document; call inside the issuing transaction.

    ``details`` adds to the entry (e.g. the number of the invoice a cancellation cancels).
    """
    audit_record(
        action=AuditEntry.Action.DOCUMENT_ISSUED,
        request=request,
        actor=actor,
        restaurant_id=document.restaurant_id,
        obj=document,
        data={"number": document.number, "kind": document.kind, "total_cents": document.total_cents, **details},
    )
