from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A customer's own data rights (GDPR art. 15, 17, 20): export and account deletion.

    Sits above the apps whose data it gathers or detaches (customers, orders,
    invoices, audit); nothing but the URL conf and settings refers to it.
    """

    name = "privacy"
    verbose_name = _("Privacy self-service")
    default_auto_field = "django.db.models.BigAutoField"
