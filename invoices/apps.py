import logging

from django.apps import AppConfig
from django.core import checks


class InvoicesConfig(AppConfig):
    name = "invoices"

    def ready(self):
        # WeasyPrint logs every layout step at INFO (even at import); noise for each invoice.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        checks.register(check_invoice_number_format, checks.Tags.compatibility)

        from invoices.storage import invoice_storage_check
        from ops.health import readiness_check_register

        readiness_check_register("invoice_storage", invoice_storage_check)


def check_invoice_number_format(app_configs=None, **kwargs):
    """A number format that could repeat numbers must stop the deploy, not the first invoice of next year."""
    from django.conf import settings

    from invoices.services import invoice_number_format_check

    error = invoice_number_format_check(settings.INVOICE_NUMBER_FORMAT)
    return [checks.Error(error, id="invoices.E001")] if error else []
