from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers and accounts"

    def ready(self):
        from customers import signals  # noqa: F401 - connects the audit log receivers
