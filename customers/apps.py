from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and accounts")

    def ready(self):
        from customers import signals  # noqa: F401 - connects the audit log receivers
