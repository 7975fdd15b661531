import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices")

    def ready(self):
        # WeasyPrint logs every layout step at INFO (even at import); noise for each invoice.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        from invoices.storage import invoice_storage_check
        from ops.health import readiness_check_register

        readiness_check_register("invoice_storage", invoice_storage_check)
