"""Cancelling an invoice: kept as an import path; the rules live in ``corrections``."""

from invoices.services.corrections import invoice_cancel

__all__ = ["invoice_cancel"]
